import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { aJointPost, JointPostWorld } from '../support/approval-fixtures';
import { createTestApp, createUser, TestApp } from '../support/test-app';

/** Regression tests of the attack on a running instance (issue 17): points 3, 5, 7 and the "also" list. */
describe('access, sessions and headers', () => {
  let t: TestApp;
  let ds: DataSource;
  let w: JointPostWorld;
  let hiddenPostId: string;

  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
    w = await aJointPost(t);
    // A post on partner B's account only: partner A's users must not read its text.
    hiddenPostId = (
      await w.manager
        .post(`/api/campaigns/${w.campaignId}/posts`)
        .send({ baseText: 'Only for B: secret launch plan', channelIds: [w.partners[1].channelId], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('3. analytics routes answer 404 to a partner user whose partner is not a member of the campaign', async () => {
    const outsider = await t.as('partner');
    const member = await t.as('partner', { partnerId: w.partners[0].id });
    const base = `/api/campaigns/${w.campaignId}`;
    const reads = ['/indicators', '/indicators/series', '/reciprocity', '/links', '/conversions', '/codes', '/report.csv', '/outputs', '/outputs/top-posts', '/outputs/reciprocal-visibility'];
    for (const path of reads) {
      const res = await outsider.get(base + path);
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'not_found']);
      const ok = await member.get(base + path);
      expect([path, ok.status]).toEqual([path, 200]);
    }
    const writes: Array<[string, object]> = [
      ['/conversions', { partnerId: w.partners[0].id, occurredOn: '2026-03-14', count: 1, source: 'other' }],
      ['/codes', { partnerId: w.partners[0].id, code: 'OUTSIDE' }],
    ];
    for (const [path, body] of writes) {
      const res = await outsider.post(base + path).send(body);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });

  describe('5. cross-site requests with the session cookie', () => {
    async function cookieOf(): Promise<string> {
      const m = await createUser(t.app, 'manager');
      const res = await t.http().post('/api/auth/login').send({ email: m.email, password: m.password }).expect(200);
      return (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    }
    const invites = async (email: string) => (await ds.query(`SELECT 1 FROM users WHERE email = $1`, [email])).length;

    it('refuses form-encoded, text/plain and foreign-origin writes; accepts JSON from our own origin', async () => {
      const cookie = await cookieOf();
      const server = t.app.getHttpServer();
      // supertest listens on a new port per request: name the host, as a browser's Host header would.
      const own = 'http://chorus.test';
      const email = `csrf-${Date.now()}@test.chorus`;
      const body = { email, name: 'Victim', role: 'manager' };
      const attempts = [
        request(server).post('/api/users/invites').set('cookie', cookie).set('origin', 'https://evil.example').type('form').send(body),
        request(server).post('/api/users/invites').set('cookie', cookie).set('origin', 'https://evil.example').set('content-type', 'text/plain').send(JSON.stringify(body)),
        request(server).post('/api/users/invites').set('cookie', cookie).set('origin', 'https://evil.example').send(body),
        request(server).post('/api/users/invites').set('cookie', cookie).send(body),
        request(server).post('/api/users/invites').set('cookie', cookie).set('referer', 'https://evil.example/page').send(body),
        request(server).post('/api/users/invites').set('host', 'chorus.test').set('cookie', cookie).set('origin', own).set('content-type', 'text/plain').send(JSON.stringify(body)),
      ];
      const statuses = [];
      for (const a of attempts) statuses.push((await a).status);
      expect(statuses).toEqual([403, 403, 403, 403, 403, 415]);
      expect(await invites(email)).toBe(0);

      // The pages' own requests work, and a bearer token needs no Origin.
      const ok = await request(server).post('/api/users/invites').set('host', 'chorus.test').set('cookie', cookie).set('origin', own).send(body);
      expect(ok.status).toBe(201);
      expect(await invites(email)).toBe(1);
      const other = `csrf-bearer-${Date.now()}@test.chorus`;
      await w.manager.post('/api/users/invites').send({ ...body, email: other }).expect(201);
    });
  });

  describe('7. calendar feeds', () => {
    const pathOf = (url: string) => new URL(url).pathname;

    it('are per user, scoped to what the user may read, revocable, and die with the user', async () => {
      const partnerA = await createUser(t.app, 'partner', { partnerId: w.partners[0].id });
      const login = await t.http().post('/api/auth/login').send({ email: partnerA.email, password: partnerA.password }).expect(200);
      const a = { authorization: `Bearer ${login.body.accessToken as string}` };
      const reviewer = await t.as('reviewer');

      const feedA = pathOf((await t.http().get(`/api/web/campaigns/${w.campaignId}/calendar-feed`).set(a).expect(200)).body.url);
      const feedR = pathOf((await reviewer.get(`/api/web/campaigns/${w.campaignId}/calendar-feed`).expect(200)).body.url);
      expect(feedA).not.toBe(feedR);
      // Asking again gives the same address (calendar apps keep it).
      expect(pathOf((await t.http().get(`/api/web/campaigns/${w.campaignId}/calendar-feed`).set(a).expect(200)).body.url)).toBe(feedA);

      const icsA = (await t.http().get(feedA).expect(200)).text;
      expect(icsA).toContain(`post-${w.post.id}`);
      expect(icsA).not.toContain(`post-${hiddenPostId}`);
      expect(icsA).not.toContain('secret launch plan');
      const icsR = (await t.http().get(feedR).expect(200)).text;
      expect(icsR).toContain(`post-${hiddenPostId}`);
      // The signed-in download is scoped the same way.
      expect((await t.http().get(`/api/campaigns/${w.campaignId}/calendar.ics`).set(a).expect(200)).text).not.toContain('secret launch plan');

      // Revoked: the old address dies, a new one works.
      await t.http().delete(`/api/web/campaigns/${w.campaignId}/calendar-feed`).set(a).expect(204);
      await t.http().get(feedA).expect(404);
      const feedA2 = pathOf((await t.http().get(`/api/web/campaigns/${w.campaignId}/calendar-feed`).set(a).expect(200)).body.url);
      expect(feedA2).not.toBe(feedA);
      await t.http().get(feedA2).expect(200);

      // The partner leaves the campaign: the feed stops.
      await ds.query(`DELETE FROM campaign_partners WHERE campaign_id = $1 AND partner_id = $2`, [w.campaignId, w.partners[0].id]);
      await t.http().get(feedA2).expect(404);
      await ds.query(`INSERT INTO campaign_partners (campaign_id, partner_id) VALUES ($1, $2)`, [w.campaignId, w.partners[0].id]);
      await t.http().get(feedA2).expect(200);

      // The user is deleted: the feed dies with it.
      await w.manager.delete(`/api/users/${partnerA.id}`).expect(204);
      await t.http().get(feedA2).expect(404);
      expect(await ds.query(`SELECT 1 FROM calendar_feeds WHERE user_id = $1`, [partnerA.id])).toHaveLength(0);
    });

    it('stops while its user is disabled', async () => {
      const r = await createUser(t.app, 'reviewer');
      const login = await t.http().post('/api/auth/login').send({ email: r.email, password: r.password }).expect(200);
      const feed = pathOf((await t.http().get(`/api/web/campaigns/${w.campaignId}/calendar-feed`).set({ authorization: `Bearer ${login.body.accessToken as string}` }).expect(200)).body.url);
      await t.http().get(feed).expect(200);
      await w.manager.post(`/api/users/${r.id}/disable`).expect(200);
      await t.http().get(feed).expect(404);
    });
  });

  describe('also', () => {
    it('disabling then re-enabling a user does not revive its old sessions', async () => {
      const u = await createUser(t.app, 'reviewer');
      const login = await t.http().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      const bearer = { authorization: `Bearer ${login.body.accessToken as string}` };
      const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      await t.http().get('/api/auth/me').set(bearer).expect(200);
      await w.manager.post(`/api/users/${u.id}/disable`).expect(200);
      await w.manager.post(`/api/users/${u.id}/enable`).expect(200);
      await t.http().get('/api/auth/me').set(bearer).expect(401);
      await t.http().get('/api/auth/me').set('cookie', cookie).expect(401);
      await t.http().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
    });

    it('re-inviting a pending user applies the new role and retires the older link', async () => {
      const email = `reinvite-${Date.now()}@test.chorus`;
      const first = (await w.manager.post('/api/users/invites').send({ email, name: 'Pending', role: 'reviewer' }).expect(201)).body;
      const second = (await w.manager.post('/api/users/invites').send({ email, name: 'Pending', role: 'partner', partnerId: w.partners[2].id }).expect(201)).body;
      expect(second.userId).toBe(first.userId);
      await t.http().post('/api/auth/accept-invite').send({ token: first.token, password: 'a-long-password' }).expect(400);
      const accepted = (await t.http().post('/api/auth/accept-invite').send({ token: second.token, password: 'a-long-password' }).expect(200)).body;
      expect([accepted.user.role, accepted.user.partnerId]).toEqual(['partner', w.partners[2].id]);
    });

    it('answers that carry tokens are not cached, and API and /docs answers carry security headers', async () => {
      const m = await createUser(t.app, 'manager');
      const login = await t.http().post('/api/auth/login').send({ email: m.email, password: m.password }).expect(200);
      expect(login.headers['cache-control']).toBe('no-store');
      const invite = await w.manager.post('/api/users/invites').send({ email: `nostore-${Date.now()}@test.chorus`, name: 'N', role: 'reviewer' }).expect(201);
      expect(invite.headers['cache-control']).toBe('no-store');
      const feed = await w.manager.get(`/api/web/campaigns/${w.campaignId}/calendar-feed`).expect(200);
      expect(feed.headers['cache-control']).toBe('no-store');
      for (const path of ['/api/auth/me', '/docs', '/docs/openapi.json', '/health']) {
        const res = await t.http().get(path);
        expect([path, res.headers['x-content-type-options'], res.headers['x-frame-options'], typeof res.headers['content-security-policy']]).toEqual([path, 'nosniff', 'SAMEORIGIN', 'string']);
        // Plain http (no https PUBLIC_URL): no HSTS.
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('sends HSTS when PUBLIC_URL is https', async () => {
      const saved = process.env.PUBLIC_URL;
      process.env.PUBLIC_URL = 'https://chorus.example.org';
      const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false, logger: false });
      try {
        configureApp(app);
        await app.init();
        for (const path of ['/api/auth/me', '/docs']) {
          const res = await request(app.getHttpServer()).get(path);
          expect([path, res.headers['strict-transport-security']]).toEqual([path, expect.stringMatching(/^max-age=\d+/)]);
        }
      } finally {
        await app.close();
        if (saved === undefined) delete process.env.PUBLIC_URL;
        else process.env.PUBLIC_URL = saved;
      }
    });
  });
});
