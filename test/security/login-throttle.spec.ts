import { createTestApp, createUser, TestApp } from '../support/test-app';

/**
 * 8. Sign-in throttling counts per e-mail and per client address. This file has its own Redis
 * prefix (the counters are not shared with other files signing in from 127.0.0.1) and believes
 * X-Forwarded-For (TRUST_PROXY), to stand for clients behind a reverse proxy.
 */
describe('login throttling', () => {
  let t: TestApp;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.REDIS_PREFIX = `${process.env.REDIS_PREFIX}:throttle-${Date.now().toString(36)}`;
    process.env.LOGIN_ATTEMPTS_PER_ADDRESS = '5';
    delete process.env.LOGIN_ATTEMPTS_PER_ACCOUNT; // the production default (10)
    process.env.TRUST_PROXY = 'true';
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
    for (const k of ['REDIS_PREFIX', 'LOGIN_ATTEMPTS_PER_ADDRESS', 'LOGIN_ATTEMPTS_PER_ACCOUNT', 'TRUST_PROXY']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  const login = (from: string, email: string, password = 'wrong-password') =>
    t.http().post('/api/auth/login').set('x-forwarded-for', from).send({ email, password });

  it('limits spraying many e-mails from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login('203.0.113.10', `nobody-${i}@test.chorus`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Even a right password from that address waits; another address is not concerned.
    const u = await createUser(t.app, 'manager');
    expect((await login('203.0.113.10', u.email, u.password)).status).toBe(429);
    expect((await login('203.0.113.11', u.email, u.password)).status).toBe(200);
  });

  it('limits guessing one e-mail from many addresses', async () => {
    const u = await createUser(t.app, 'manager');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await login(`198.18.0.${i + 1}`, u.email)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect((await login('198.18.1.1', u.email, u.password)).body.code).toBe('too_many_requests');
  });
});
