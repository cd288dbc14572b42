import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { aJointPost, JointPostWorld } from '../support/approval-fixtures';
import { uniqueSlug } from '../support/builders';
import { AuthedHttp, createTestApp, TestApp } from '../support/test-app';
import { usePrivateRedisPrefix } from '../support/pipeline-fixtures';

/** Regression tests of the attack (issue 17): point 4, and the bad input that answered 500. */
describe('bad input answers 4xx, never 500', () => {
  // Own database and Redis prefix: this file saves channels and webhooks on public addresses
  // (a strict guard needs one to accept), and no worker of another file may ever poll or call them.
  usePrivateRedisPrefix();
  let t: TestApp;
  let ds: DataSource;
  let w: JointPostWorld;
  let manager: AuthedHttp;

  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
    w = await aJointPost(t);
    manager = w.manager;
  });
  afterAll(() => t.close());

  const expect4xx = (what: string, res: { status: number; body: { code?: string; message?: string } }) => {
    expect([what, res.status >= 400 && res.status < 500, typeof res.body.code, typeof res.body.message]).toEqual([what, true, 'string', 'string']);
  };

  it('4. bounds analytics windows, and the API\'s statements have a timeout', async () => {
    const res = await manager.get(`/api/campaigns/${w.campaignId}/indicators/series?from=0000-01-01&to=9999-12-31`);
    expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
    for (const path of ['indicators', 'reciprocity', 'report.csv']) {
      expect((await manager.get(`/api/campaigns/${w.campaignId}/${path}?from=1900-01-01&to=2100-01-01`)).status).toBe(400);
    }
    const [{ statement_timeout }] = await ds.query(`SHOW statement_timeout`);
    expect(statement_timeout).toBe('10s');
    // A statement past the limit is cancelled by PostgreSQL, not waited for.
    await expect(ds.query(`SET LOCAL statement_timeout = '50ms'; SELECT pg_sleep(1)`)).rejects.toMatchObject({ code: '57014' });
  });

  it('refuses JSON nested 2,000 deep on every kind of route, sign-in and approval links included', async () => {
    const deep = `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    const targets: Array<[string, string]> = [
      ['post', '/api/auth/login'],
      ['post', '/api/auth/accept-invite'],
      ['post', '/api/approval-links/not-a-token'],
      ['post', '/api/partners'],
      ['post', `/api/campaigns/${w.campaignId}/posts`],
      ['patch', `/api/posts/${w.post.id}`],
      ['post', '/api/users/invites'],
      ['put', `/api/channels/${w.operator.channelId}/credentials`],
    ];
    for (const [method, path] of targets) {
      const res = await (method === 'post' && path.startsWith('/api/auth') || path.startsWith('/api/approval-links') ? t.http().post(path) : manager[method as 'post'](path))
        .set('content-type', 'application/json')
        .send(deep);
      expect4xx(path, res);
      expect(res.body.code).toBe('validation_failed');
    }
  });

  it('refuses NUL characters and lone surrogates in bodies, paths and queries', async () => {
    const before = await ds.query(`SELECT name FROM campaigns WHERE id = $1`, [w.campaignId]);
    const bodies: Array<[string, string, string]> = [
      ['post', '/api/partners', `{"slug":"${uniqueSlug('nul')}","name":"a\\u0000b"}`],
      ['patch', `/api/campaigns/${w.campaignId}`, '{"name":"x\\u0000"}'],
      ['patch', `/api/posts/${w.post.id}`, '{"baseText":"hello \\u0000"}'],
      ['post', '/api/users/invites', '{"email":"\\ud800@test.chorus","name":"S","role":"reviewer"}'],
      ['patch', `/api/campaigns/${w.campaignId}`, '{"na\\u0000me":"x"}'],
    ];
    for (const [method, path, body] of bodies) {
      const res = await manager[method as 'post'](path).set('content-type', 'application/json').send(body);
      expect4xx(`${path} ${body}`, res);
    }
    const login = await t.http().post('/api/auth/login').set('content-type', 'application/json').send('{"email":"\\udfff@x.org","password":"whatever-long"}');
    expect4xx('login with a lone surrogate', login);
    for (const path of [`/l/%00abc`, `/api/campaigns/${w.campaignId}/indicators?from=%00`, `/api/audit-events?postId=%ED%A0%80`, '/api/channels?partnerId=%00']) {
      expect4xx(path, await manager.get(path));
    }
    expect(await ds.query(`SELECT name FROM campaigns WHERE id = $1`, [w.campaignId])).toEqual(before);
  });

  it('refuses explicit null for fields that cannot be empty, and changes nothing', async () => {
    const track = (await manager.post(`/api/campaigns/${w.campaignId}/tracks`).send({ name: 'Track' }).expect(201)).body;
    const action = (await manager.post(`/api/campaigns/${w.campaignId}/actions`).send({ title: 'Action', occursAt: '2027-03-01T10:00' }).expect(201)).body;
    const mastodon = (
      await manager.post(`/api/partners/${w.partners[0].id}/channels`).send({ network: 'mastodon', handle: '@m', externalId: randomUUID(), instanceUrl: 'https://9.9.9.9', credentials: { accessToken: 't' } }).expect(201)
    ).body;
    const patches: Array<[string, object]> = [
      [`/api/campaigns/${w.campaignId}`, { name: null }],
      [`/api/campaigns/${w.campaignId}`, { objective: null }],
      [`/api/campaigns/${w.campaignId}`, { startsAt: null }],
      [`/api/campaigns/${w.campaignId}`, { endsAt: null }],
      [`/api/partners/${w.partners[0].id}`, { name: null }],
      [`/api/partners/${w.partners[0].id}`, { kind: null }],
      [`/api/channels/${mastodon.id}`, { handle: null }],
      [`/api/channels/${mastodon.id}`, { instanceUrl: null }],
      [`/api/posts/${w.post.id}`, { baseText: null }],
      [`/api/posts/${w.post.id}`, { scheduledAt: null }],
      [`/api/posts/${w.post.id}`, { channelIds: null }],
      [`/api/tracks/${track.id}`, { name: null }],
      [`/api/actions/${action.id}`, { title: null }],
      [`/api/actions/${action.id}`, { occursAt: null }],
    ];
    const snapshot = async () => ({
      campaign: await ds.query(`SELECT name, objective, starts_at, ends_at FROM campaigns WHERE id = $1`, [w.campaignId]),
      partner: await ds.query(`SELECT name, kind FROM partners WHERE id = $1`, [w.partners[0].id]),
      channel: await ds.query(`SELECT handle, instance_url, credentials_encrypted IS NOT NULL AS creds FROM channels WHERE id = $1`, [mastodon.id]),
      post: await ds.query(`SELECT base_text, scheduled_at, version FROM posts WHERE id = $1`, [w.post.id]),
    });
    const before = await snapshot();
    for (const [path, body] of patches) {
      const res = await manager.patch(path).send(body);
      expect([path, body, res.status, res.body.code]).toEqual([path, body, 400, 'validation_failed']);
    }
    expect(await snapshot()).toEqual(before);
    // Where null means "none", it is still accepted.
    await manager.patch(`/api/posts/${w.post.id}`).send({ trackId: null }).expect(200);
  });

  it('refuses numbers out of range for the database', async () => {
    const res = await manager.get('/api/audit-events?after=99999999999999999999');
    expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
  });

  it('many partners answering their approval links at the same moment all get their answer (no deadlock)', async () => {
    const partners = 8;
    const mk = async (i: number) => {
      const partner = (await manager.post('/api/partners').send({ slug: uniqueSlug(`race${i}`), name: `Race ${i}` }).expect(201)).body as { id: string };
      const channel = (await manager.post(`/api/partners/${partner.id}/channels`).send({ network: 'sandbox', handle: `@race${i}`, externalId: randomUUID(), credentials: { token: 'sandbox' } }).expect(201)).body as { id: string };
      return { partnerId: partner.id, channelId: channel.id };
    };
    const made = [];
    for (let i = 0; i < partners; i++) made.push(await mk(i));
    const campaign = (
      await manager.post('/api/campaigns').send({ slug: uniqueSlug('race'), name: 'Race', timeZone: 'Europe/Paris', startsAt: '2026-01-01T00:00', endsAt: '2028-12-31T23:59', partnerIds: made.map((m) => m.partnerId) }).expect(201)
    ).body as { id: string };
    for (let round = 0; round < 3; round++) {
      const post = (
        await manager.post(`/api/campaigns/${campaign.id}/posts`).send({ baseText: `Race ${round}`, channelIds: made.map((m) => m.channelId), scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(201)
      ).body as { id: string };
      await manager.post(`/api/posts/${post.id}/submit`).expect(200);
      const links = (await manager.get(`/api/posts/${post.id}/approval-links`).expect(200)).body as Array<{ token: string }>;
      expect(links).toHaveLength(partners);
      const answers = await Promise.all(links.map((l, i) => t.http().post(`/api/approval-links/${l.token}`).send({ decision: i % 3 === 0 ? 'rejected' : 'approved', comment: i % 3 === 0 ? 'no' : undefined })));
      expect(answers.map((a) => a.status)).toEqual(links.map(() => 200));
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM approvals WHERE post_id = $1`, [post.id]);
      expect(n).toBe(partners);
    }
  });
});
