import request from 'supertest';
import type { Role } from '../../src/common/access.decorator';
import { QueueName } from '../../src/queue/queue-names';
import { createTestApp, createUser, TestApp } from '../support/test-app';

/** The queue dashboard (bull-board at /admin/queues): managers only, through the web pages' session cookie, read-only. */
describe('queue dashboard', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Signs in through the real login endpoint and keeps only the session cookie, as a browser would. */
  async function cookieOf(role: Role): Promise<string> {
    return (await signIn(role)).cookie;
  }

  async function signIn(role: Role): Promise<{ cookie: string; accessToken: string }> {
    const user = await createUser(t.app, role);
    const login = await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const setCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const session = setCookie.find((c) => c.startsWith('chorus_session='));
    if (!session) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
    return { cookie: session.split(';')[0], accessToken: login.body.accessToken as string };
  }

  it('sends an anonymous browser to the sign-in page, and answers 401 to anything else', async () => {
    const page = await t.http().get('/admin/queues').set('accept', 'text/html').expect(302);
    expect(page.headers.location).toBe('/app/login');
    const api = await t.http().get('/admin/queues/api/queues').set('accept', 'application/json').expect(401);
    expect(api.body.code).toBe('unauthenticated');
  });

  it('refuses partners and reviewers with 403, page and API alike', async () => {
    for (const role of ['partner', 'reviewer'] as const) {
      const cookie = await cookieOf(role);
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const res = await t.http().get(path).set('cookie', cookie).set('accept', 'text/html').expect(403);
        expect(res.body).toMatchObject({ code: 'forbidden', details: { allowed: ['manager'] } });
      }
    }
  });

  it('a bearer token is not enough: the dashboard is for signed-in browsers', async () => {
    const manager = await t.as('manager');
    await manager.get('/admin/queues/api/queues').set('accept', 'application/json').expect(401);
  });

  it('shows a manager the page and the queues, read-only', async () => {
    const cookie = await cookieOf('manager');
    const page = await t.http().get('/admin/queues').set('cookie', cookie).set('accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('Chorus queues');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const api = await t.http().get('/admin/queues/api/queues').set('cookie', cookie).set('accept', 'application/json').expect(200);
    const queues = (api.body.queues as Array<{ name: string; readOnlyMode: boolean }>).map((q) => [q.name, q.readOnlyMode]);
    expect(queues.sort()).toEqual(Object.values(QueueName).sort().map((name) => [name, true]));
    // No change goes through, whatever bull-board would allow.
    const pause = await t.http().put('/admin/queues/api/queues/publish/pause').set('cookie', cookie).expect(403);
    expect(pause.body.code).toBe('forbidden');
  });

  it('a signed-out session no longer opens it', async () => {
    const { cookie, accessToken } = await signIn('manager');
    await t.http().get('/admin/queues/api/queues').set('cookie', cookie).set('accept', 'application/json').expect(200);
    // Logging out ends the session, whichever of its tokens asks.
    await t.http().post('/api/auth/logout').set('authorization', `Bearer ${accessToken}`).expect((res) => expect(res.status).toBeLessThan(300));
    await request(t.app.getHttpServer()).get('/admin/queues/api/queues').set('cookie', cookie).set('accept', 'application/json').expect(401);
  });
});
