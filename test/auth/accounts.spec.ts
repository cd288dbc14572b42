import { DataSource } from 'typeorm';
import { createTestApp, createUser, type TestApp } from '../support/test-app';
import { startSmtpSink } from '../support/smtp-sink';

const login = (t: TestApp, email: string, password: string) => t.http().post('/api/auth/login').send({ email, password });

describe('accounts: own password, reset by e-mail link', () => {
  describe('without mail', () => {
    let t: TestApp;
    beforeAll(async () => {
      delete process.env.SMTP_URL;
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('a user changes its own password with the current one; any role may, nobody else’s', async () => {
      const reviewer = await createUser(t.app, 'reviewer');
      const session = await login(t, reviewer.email, reviewer.password).expect(200);
      const auth = { authorization: `Bearer ${session.body.accessToken as string}` };

      const wrong = await t.http().post('/api/auth/password').set(auth).send({ currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' }).expect(400);
      expect(wrong.body.code).toBe('validation_failed');
      expect(wrong.body.details).toEqual([{ field: 'currentPassword', problems: ['The current password is wrong.'], codes: ['wrongPassword'] }]);
      const short = await t.http().post('/api/auth/password').set(auth).send({ currentPassword: reviewer.password, newPassword: 'short' }).expect(400);
      expect(short.body.code).toBe('validation_failed');
      expect(short.body.details).toEqual([{ field: 'newPassword', problems: [expect.stringContaining('10')], codes: ['minLength'] }]);
      await login(t, reviewer.email, reviewer.password).expect(200); // unchanged so far

      await t.http().post('/api/auth/password').set(auth).send({ currentPassword: reviewer.password, newPassword: 'a-brand-new-password' }).expect(204);
      await login(t, reviewer.email, reviewer.password).expect(401);
      await login(t, reviewer.email, 'a-brand-new-password').expect(200);
      await t.http().post('/api/auth/password').send({ currentPassword: 'x', newPassword: 'a-brand-new-password' }).expect(401);
    });

    it('without SMTP the sign-in page offers no reset, and asking for one is refused with a code', async () => {
      const options = await t.http().get('/api/auth/options').expect(200);
      expect(options.body).toEqual({ passwordReset: false, firstRun: false });
      const refused = await t.http().post('/api/auth/password-reset').send({ email: 'someone@test.chorus' }).expect(503);
      expect(refused.body.code).toBe('service_unavailable');
    });
  });

  describe('with mail', () => {
    let t: TestApp;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    beforeAll(async () => {
      sink = await startSmtpSink();
      process.env.SMTP_URL = sink.url;
      t = await createTestApp();
    });
    afterAll(async () => {
      await t.close();
      delete process.env.SMTP_URL;
      await sink.close();
    });

    it('a reset link is mailed, works once, and sets the password; unknown addresses get the same answer and no mail', async () => {
      expect((await t.http().get('/api/auth/options').expect(200)).body.passwordReset).toBe(true);
      const partner = await createUser(t.app, 'partner');

      await t.http().post('/api/auth/password-reset').send({ email: 'nobody-here@test.chorus' }).expect(202);
      expect(sink.mails).toHaveLength(0);

      await t.http().post('/api/auth/password-reset').send({ email: partner.email.toUpperCase() }).expect(202);
      expect(sink.mails).toHaveLength(1);
      expect(sink.mails[0]!.to).toEqual([partner.email]);
      const token = /\/app\/reset-password\?token=([\w-]+)/.exec(sink.mails[0]!.data)?.[1];
      expect(token).toBeDefined();
      const [stored] = await t.app.get(DataSource).query(`SELECT purpose, token_hash FROM user_invites WHERE user_id = (SELECT id FROM users WHERE email = $1)`, [partner.email]);
      expect(stored.purpose).toBe('reset');
      expect(stored.token_hash).not.toContain(token);

      // A reset token is not an invitation.
      expect((await t.http().post('/api/auth/accept-invite').send({ token, password: 'a-reset-password' }).expect(400)).body.code).toBe('invite_invalid');
      const reset = await t.http().post('/api/auth/reset-password').send({ token, password: 'a-reset-password' }).expect(200);
      expect(reset.body.user.email).toBe(partner.email);
      expect(reset.headers['set-cookie']?.[0]).toMatch(/^chorus_session=/);
      await login(t, partner.email, partner.password).expect(401);
      await login(t, partner.email, 'a-reset-password').expect(200);
      expect((await t.http().post('/api/auth/reset-password').send({ token, password: 'yet-another-password' }).expect(400)).body.code).toBe('invite_invalid');
    });

    it('an invitation is mailed with its link, and the API says so', async () => {
      const manager = await t.as('manager');
      const email = `invited-${Date.now()}@test.chorus`;
      const invite = (await manager.post('/api/users/invites').send({ email, name: 'Invitée', role: 'reviewer' }).expect(201)).body;
      expect(invite.mailed).toBe(true);
      const mail = sink.mails.find((m) => m.to.includes(email));
      expect(mail?.data).toContain(`/invite?token=${invite.token as string}`);
    });
  });
});
