import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { aJointPost } from '../support/approval-fixtures';
import { createTestApp, createUser, TestApp } from '../support/test-app';

/**
 * Secrets never reach a log line: the real API process, at debug level, is sent credentials,
 * a password and a bearer token; its whole output is then searched for them.
 */
describe('logs', () => {
  let t: TestApp;
  let api: ChildProcess;
  let output = '';
  let base = '';

  beforeAll(async () => {
    t = await createTestApp();
    const root = path.resolve(__dirname, '..', '..');
    api = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    api.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /Chorus API listening on (http:\/\/\S+)/.exec(output);
        if (m) {
          clearInterval(timer);
          resolve(m[1].replace('[::1]', '127.0.0.1'));
        }
      }, 100);
      api.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`API exited with ${code}: ${output}`));
      });
    });
  }, 90_000);

  afterAll(async () => {
    api?.kill('SIGTERM');
    await t?.close();
  });

  it('never contain credentials, passwords or tokens', async () => {
    const manager = await createUser(t.app, 'manager');
    const login = await request(base).post('/api/auth/login').send({ email: manager.email, password: manager.password }).expect(200);
    const token: string = login.body.accessToken;
    expect(token).toBeTruthy();
    const auth = { authorization: `Bearer ${token}` };
    const partner = (await request(base).post('/api/partners').set(auth).send({ slug: `logs-${randomUUID().slice(0, 8)}`, name: 'Logs' }).expect(201)).body;
    const secret = `sekret-${randomUUID()}`;
    const channel = (
      await request(base).post(`/api/partners/${partner.id}/channels`).set(auth).send({ network: 'sandbox', handle: '@logs', externalId: randomUUID(), credentials: { accessToken: secret } }).expect(201)
    ).body;
    await request(base).put(`/api/channels/${channel.id}/credentials`).set(auth).send({ credentials: { accessToken: `${secret}-2`, refreshToken: `${secret}-3` } }).expect(200);
    // A refused request that carries a secret must not echo it into the logs either.
    await request(base).put(`/api/channels/${channel.id}/credentials`).set(auth).send({ credentials: { accessToken: `${secret}-4`, nested: {} } }).expect(400);
    await request(base).post('/api/auth/login').send({ email: manager.email, password: 'wrong-password-visible?' }).expect(401);
    await new Promise((r) => setTimeout(r, 500)); // let the process flush its log lines

    expect(output).toContain(`/api/channels/${channel.id}/credentials`); // the requests were logged…
    expect(output).not.toContain(secret); // …but never what they carried
    expect(output).not.toContain(manager.password);
    expect(output).not.toContain('wrong-password-visible');
    expect(output).not.toContain(token);
  });

  it('never contain approval-link tokens, calendar feed keys or invitation tokens from addresses', async () => {
    const w = await aJointPost(t);
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    const links = (await w.manager.get(`/api/posts/${w.post.id}/approval-links`).expect(200)).body as Array<{ token: string }>;
    const token = links[0].token;
    const feedPath = new URL((await w.manager.get(`/api/web/campaigns/${w.campaignId}/calendar-feed`).expect(200)).body.url).pathname;
    const feedKey = feedPath.split('/')[4];
    expect(feedKey.length).toBeGreaterThan(20);
    const inviteToken = `invite${randomUUID().replace(/-/g, '')}`;

    await request(base).get(`/api/approval-links/${token}`).expect(200);
    await request(base).get(`/approve/${token}`);
    await request(base).post(`/api/approval-links/${token}`).send({ decision: 'approved' }).expect(200);
    await request(base).get(feedPath).expect(200);
    await request(base).get(`/invite?token=${inviteToken}`);
    await request(base).get(`/api/approval-links/${token}x/nothing`).expect(404);
    await new Promise((r) => setTimeout(r, 500)); // let the process flush its log lines

    expect(output).toContain('/api/approval-links/[redacted]'); // the requests were logged…
    expect(output).toContain('/calendar.ics');
    for (const secret of [token, token.split('.')[2], feedKey, inviteToken]) expect(output).not.toContain(secret); // …without their secrets
  });
});
