import { Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { Allow } from '../../src/common/access.decorator';
import { createTestApp, createUser, TestApp } from '../support/test-app';

@Controller('api/test-no-rule')
class NoRuleController {
  @Get()
  get() {
    return { leaked: true };
  }
}

/** A write route whose rule names every role: a reviewer must still be refused. */
@Controller('api/test-write-for-all')
class WriteForAllController {
  @Post()
  @Allow('manager', 'partner', 'reviewer')
  write() {
    return { written: true };
  }
}

@Module({ imports: [AppModule], controllers: [NoRuleController, WriteForAllController] })
class AppWithARouteWithoutRule {}

describe('users, login and the access guard', () => {
  let t: TestApp;
  let ds: DataSource;
  const savedPerAccount = process.env.LOGIN_ATTEMPTS_PER_ACCOUNT;
  beforeAll(async () => {
    delete process.env.LOGIN_ATTEMPTS_PER_ACCOUNT; // the production default (10), which a test below counts to
    t = await createTestApp();
    if (savedPerAccount !== undefined) process.env.LOGIN_ATTEMPTS_PER_ACCOUNT = savedPerAccount;
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) => t.http().post('/api/auth/login').send({ email, password });

  it('logs in with a bearer token and an httpOnly SameSite cookie; both reach /me; logout revokes both', async () => {
    const u = await createUser(t.app, 'partner');
    const res = await login(u.email.toUpperCase(), u.password).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: u.id, role: 'partner', partnerId: u.partnerId, locale: 'fr' } });
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash|sessionToken/i);
    const cookie = res.headers['set-cookie'][0] as string;
    expect(cookie).toMatch(/^chorus_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const bearer = `Bearer ${res.body.accessToken}`;
    const cookieHeader = cookie.split(';')[0];

    expect((await t.http().get('/api/auth/me').set('authorization', bearer).expect(200)).body).toMatchObject({ id: u.id, email: u.email, role: 'partner' });
    expect((await t.http().get('/api/auth/me').set('cookie', cookieHeader).expect(200)).body.id).toBe(u.id);
    // The cookie token is not accepted as a bearer token (different kind), nor the reverse.
    await t.http().get('/api/auth/me').set('authorization', `Bearer ${cookieHeader.split('=')[1]}`).expect(401);
    await t.http().get('/api/auth/me').set('cookie', `chorus_session=${res.body.accessToken}`).expect(401);

    const [audit] = await ds.query(`SELECT action, actor_user_id FROM audit_events WHERE entity_id = $1 AND action = 'user.login'`, [u.id]);
    expect(audit).toEqual({ action: 'user.login', actor_user_id: u.id });

    await t.http().post('/api/auth/logout').set('authorization', bearer).expect(204);
    expect((await t.http().get('/api/auth/me').set('authorization', bearer).expect(401)).body.code).toBe('unauthenticated');
    await t.http().get('/api/auth/me').set('cookie', cookieHeader).expect(401);
  });

  it('refuses a wrong password, an unknown e-mail and a garbage token with 401', async () => {
    const u = await createUser(t.app, 'manager');
    expect((await login(u.email, 'wrong-password').expect(401)).body.code).toBe('unauthenticated');
    await login('nobody@test.chorus', 'whatever-password').expect(401);
    await t.http().get('/api/auth/me').expect(401);
    await t.http().get('/api/auth/me').set('authorization', 'Bearer abc.def.ghi').expect(401);
    const [failed] = await ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'user.login_failed'`, [u.id]);
    expect(failed.n).toBe(1);
  });

  it('a token for a deleted or disabled user → 401, and deleting changes nothing else', async () => {
    const manager = await t.as('manager');
    const u = await createUser(t.app, 'reviewer');
    const token = (await login(u.email, u.password).expect(200)).body.accessToken;
    await t.http().get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(200);

    await manager.post(`/api/users/${u.id}/disable`).expect(200);
    expect((await t.http().get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(401)).body.code).toBe('unauthenticated');
    await login(u.email, u.password).expect(401);
    await manager.post(`/api/users/${u.id}/enable`).expect(200);
    // Re-enabling does not revive the sessions opened before (issue 17): the user signs in again.
    await t.http().get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(401);
    const again = (await login(u.email, u.password).expect(200)).body.accessToken;
    await t.http().get('/api/auth/me').set('authorization', `Bearer ${again}`).expect(200);

    await manager.delete(`/api/users/${u.id}`).expect(204);
    const count = `SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1`;
    const before = await ds.query(count, [u.id]);
    expect((await t.http().get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(401)).body.code).toBe('unauthenticated');
    await t.http().post('/api/auth/logout').set('authorization', `Bearer ${token}`).expect(401);
    await login(u.email, u.password).expect(401);
    const after = await ds.query(count, [u.id]);
    const [row] = await ds.query(`SELECT deleted_at FROM users WHERE id = $1`, [u.id]);
    expect(row.deleted_at).not.toBeNull();
    // A deleted user's refused attempts leave no trace either.
    expect(after[0].n).toBe(before[0].n);
  });

  it('a manager invites a user by a one-time, expiring link', async () => {
    const manager = await t.as('manager');
    const partner = await t.as('partner');
    const [p] = await ds.query(`INSERT INTO partners (slug, name) VALUES ('invite-' || substr(md5(random()::text), 1, 8), 'Invited') RETURNING id`);
    const email = `invitee-${Date.now()}@test.chorus`;
    await partner.post('/api/users/invites').send({ email, name: 'X', role: 'partner', partnerId: p.id }).expect(403);
    expect((await manager.post('/api/users/invites').send({ email, name: 'X', role: 'partner' }).expect(400)).body.code).toBe('validation_failed');
    const invite = (await manager.post('/api/users/invites').send({ email, name: 'Inès', role: 'partner', partnerId: p.id }).expect(201)).body;
    expect(invite.inviteUrl).toContain(invite.token);
    const [stored] = await ds.query(`SELECT token_hash FROM user_invites WHERE user_id = $1`, [invite.userId]);
    expect(stored.token_hash).not.toContain(invite.token);

    // Not usable before accepting.
    await login(email, 'a-long-password').expect(401);
    await t.http().post('/api/auth/accept-invite').send({ token: invite.token, password: 'short' }).expect(400);
    const accepted = await t.http().post('/api/auth/accept-invite').send({ token: invite.token, password: 'a-long-password' }).expect(200);
    expect(accepted.body.user).toMatchObject({ email, role: 'partner', partnerId: p.id });
    await login(email, 'a-long-password').expect(200);
    // One use only.
    expect((await t.http().post('/api/auth/accept-invite').send({ token: invite.token, password: 'another-long-password' }).expect(400)).body.code).toBe('invite_invalid');
    await login(email, 'a-long-password').expect(200);
    // Already has an account: no second invite.
    await manager.post('/api/users/invites').send({ email, name: 'Inès', role: 'partner', partnerId: p.id }).expect(409);
  });

  it('an expired invite → 400 and sets nothing', async () => {
    const manager = await t.as('manager');
    const email = `late-${Date.now()}@test.chorus`;
    const invite = (await manager.post('/api/users/invites').send({ email, name: 'Late', role: 'reviewer' }).expect(201)).body;
    await ds.query(`UPDATE user_invites SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [invite.userId]);
    expect((await t.http().post('/api/auth/accept-invite').send({ token: invite.token, password: 'a-long-password' }).expect(400)).body.code).toBe('invite_invalid');
    const [u] = await ds.query(`SELECT password_hash FROM users WHERE id = $1`, [invite.userId]);
    expect(u.password_hash).toBeNull();
  });

  it('throttles login attempts per address and e-mail', async () => {
    const u = await createUser(t.app, 'manager');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await login(u.email, 'wrong-password')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const blocked = await login(u.email, u.password).expect(429);
    expect(blocked.body.code).toBe('too_many_requests');
    // Another e-mail from the same address is not locked out.
    const other = await createUser(t.app, 'manager');
    await login(other.email, other.password).expect(200);
  });

  it('a reviewer can never call a non-GET route, whatever its rule (but may log out)', async () => {
    const app = await NestFactory.create<NestExpressApplication>(AppWithARouteWithoutRule, { bufferLogs: true, bodyParser: false, logger: false });
    configureApp(app);
    await app.init();
    try {
      const login = async (role: 'reviewer' | 'partner') => {
        const u = await createUser(app, role);
        return (await request(app.getHttpServer()).post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200)).body.accessToken as string;
      };
      const reviewer = await login('reviewer');
      const res = await request(app.getHttpServer()).post('/api/test-write-for-all').set('authorization', `Bearer ${reviewer}`).expect(403);
      expect(res.body).toMatchObject({ code: 'forbidden', details: { guard: 'read_only_role' } });
      expect(res.body).not.toHaveProperty('written');
      await request(app.getHttpServer()).post('/api/test-write-for-all').set('authorization', `Bearer ${await login('partner')}`).expect(201);
      // Logging out touches only the reviewer's own session.
      await request(app.getHttpServer()).get('/api/auth/me').set('authorization', `Bearer ${reviewer}`).expect(200);
      await request(app.getHttpServer()).post('/api/auth/logout').set('authorization', `Bearer ${reviewer}`).expect(204);
      await request(app.getHttpServer()).get('/api/auth/me').set('authorization', `Bearer ${reviewer}`).expect(401);
    } finally {
      await app.close();
    }
  });

  it('a route without a rule answers 403 naming the missing rule, even to a manager', async () => {
    const app = await NestFactory.create<NestExpressApplication>(AppWithARouteWithoutRule, { bufferLogs: true, bodyParser: false, logger: false });
    configureApp(app);
    await app.init();
    try {
      const u = await createUser(app, 'manager');
      const token = (await request(app.getHttpServer()).post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200)).body.accessToken;
      for (const req of [request(app.getHttpServer()).get('/api/test-no-rule'), request(app.getHttpServer()).get('/api/test-no-rule').set('authorization', `Bearer ${token}`)]) {
        const res = await req.expect(403);
        expect(res.body.code).toBe('forbidden');
        expect(res.body.message).toMatch(/NoRuleController\.get has no access rule.*@Allow.*@Public/);
        expect(res.body).not.toHaveProperty('leaked');
      }
    } finally {
      await app.close();
    }
  });
});
