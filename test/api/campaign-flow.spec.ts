import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { uniqueSlug } from '../support/builders';
import { AuthedHttp, createTestApp, TestApp } from '../support/test-app';

/** The foundation's "Done when", through the API alone. */
describe('campaign domain through the API', () => {
  let t: TestApp;
  let api: AuthedHttp;
  const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

  beforeAll(async () => {
    t = await createTestApp();
    api = await t.as('manager');
  });
  afterAll(() => t.close());

  const networks = ['x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'x', 'mastodon', 'bluesky', 'sandbox'] as const;

  async function setUp() {
    const partners = [];
    for (let i = 0; i < 5; i++) {
      const slug = uniqueSlug(`p${i}`);
      partners.push((await api.post('/api/partners').send({ slug, name: `Partner ${i}`, kind: 'startup' }).expect(201)).body);
    }
    const channels = [];
    for (let i = 0; i < 10; i++) {
      const network = networks[i];
      const partner = partners[Math.floor(i / 2)];
      const res = await api
        .post(`/api/partners/${partner.id}/channels`)
        .send({
          network,
          handle: network === 'linkedin' ? 'Partner LinkedIn' : `@${partner.slug}`,
          externalId: network === 'linkedin' ? `urn:li:organization:${randomUUID()}` : randomUUID(),
          ...(network === 'mastodon' ? { instanceUrl: 'https://mastodon.example' } : {}),
          credentials: { accessToken: `secret-${i}-do-not-leak` },
        })
        .expect(201);
      channels.push(res.body);
    }
    const campaign = (
      await api
        .post('/api/campaigns')
        .send({
          slug: uniqueSlug('costo'),
          name: 'CoSto Pack',
          objective: 'Reciprocal visibility',
          timeZone: 'Europe/Paris',
          startsAt: '2026-01-05T00:00',
          endsAt: '2027-12-31T23:59',
          partnerIds: partners.map((p) => p.id),
          operatorPartnerId: partners[0].id,
        })
        .expect(201)
    ).body;
    return { partners, channels, campaign };
  }

  it('creates a campaign with two tracks, five partners, ten channels and a joint post with ten deliveries', async () => {
    const { partners, channels, campaign } = await setUp();
    expect(campaign.partners).toHaveLength(5);
    expect(campaign.baselineEndsAt).toBe(campaign.startsAt);
    for (const c of channels) {
      expect(c).not.toHaveProperty('credentialsEncrypted');
      expect(JSON.stringify(c)).not.toContain('do-not-leak');
      expect(c.hasCredentials).toBe(true);
    }

    const retail = await api
      .post(`/api/campaigns/${campaign.id}/tracks`)
      .send({ name: 'Retail services', objective: 'Make shopkeepers aware', outputIndicators: ['Identified by more shopkeepers'], resultIndicators: ['New followers per partner'], leaderPartnerIds: [partners[1].id], memberPartnerIds: [partners[2].id, partners[3].id] })
      .expect(201);
    expect(retail.body.partners).toEqual(expect.arrayContaining([expect.objectContaining({ partnerId: partners[1].id, role: 'leader' })]));
    await api.post(`/api/campaigns/${campaign.id}/tracks`).send({ name: 'Tourism', leaderPartnerIds: [partners[0].id, partners[4].id] }).expect(201);
    const action = await api.post(`/api/campaigns/${campaign.id}/actions`).send({ title: 'Video release', occursAt: '2027-03-01T10:00', trackId: retail.body.id }).expect(201);
    expect(new Date(action.body.occursAt).toISOString()).toBe('2027-03-01T09:00:00.000Z');

    const full = await api.get(`/api/campaigns/${campaign.id}`).expect(200);
    expect(full.body.tracks.map((tr: { name: string }) => tr.name).sort()).toEqual(['Retail services', 'Tourism']);

    const post = await api
      .post(`/api/campaigns/${campaign.id}/posts`)
      .send({
        baseText: `Découvrez {{partner:${partners[1].slug}}} dans une boutique du 18e !`,
        variants: { facebook: `Sur Facebook aussi : {{partner:${partners[1].slug}}}` },
        link: 'https://www.costo.paris/pack',
        media: [{ url: 'https://www.costo.paris/video.jpg', type: 'image', altText: 'Une boutique' }],
        channelIds: channels.map((c) => c.id),
        scheduledAt: future(3),
        trackId: retail.body.id,
        actionId: action.body.id,
      })
      .expect(201);
    expect(post.body.version).toBe(1);
    expect(post.body.status).toBe('draft');
    expect(post.body.deliveries).toHaveLength(10);
    expect(post.body.featuredPartnerIds).toEqual([partners[1].id]);
    const byChannel = new Map(post.body.deliveries.map((d: { channelId: string }) => [d.channelId, d]));
    // Partner 1 has an Instagram account (channels[2]): the placeholder is its handle there…
    expect(byChannel.get(channels[2].id)).toMatchObject({
      status: 'pending_approval',
      resolvedText: `Découvrez @${partners[1].slug} dans une boutique du 18e !\nhttps://www.costo.paris/pack`,
    });
    // …and its LinkedIn organisation is mentioned with LinkedIn's syntax (channels[3]).
    expect((byChannel.get(channels[3].id) as { resolvedText: string }).resolvedText).toContain(`@[Partner 1](${channels[3].externalId})`);
    // On X it has no account: its name.
    expect((byChannel.get(channels[0].id) as { resolvedText: string }).resolvedText.startsWith('Découvrez Partner 1 dans')).toBe(true);
    // Partner 1 has no Facebook page: the placeholder becomes its name there.
    const fb = post.body.deliveries.find((d: { network: string }) => d.network === 'facebook');
    expect(fb.resolvedText).toBe('Sur Facebook aussi : Partner 1\nhttps://www.costo.paris/pack');

    const listed = await api.get(`/api/campaigns/${campaign.id}/posts`).expect(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].deliveryCounts).toEqual({ pending_approval: 10 });
  });

  it('lists every channel’s problem at once and writes nothing', async () => {
    const { channels, campaign } = await setUp();
    const ds = t.app.get(DataSource);
    const before = await ds.query(`SELECT count(*)::int AS n FROM posts WHERE campaign_id = $1`, [campaign.id]);
    const res = await api
      .post(`/api/campaigns/${campaign.id}/posts`)
      .send({ baseText: 'é'.repeat(400), channelIds: channels.map((c) => c.id), scheduledAt: future(1) })
      .expect(422);
    expect(res.body.code).toBe('post_invalid_for_network');
    const codes = res.body.details.problems.map((p: { network: string; code: string }) => `${p.network}:${p.code}`);
    // X (280), Mastodon (500? no: 400 fits), Bluesky (300) too long; Instagram needs media.
    expect(codes).toEqual(expect.arrayContaining(['x:text_too_long', 'bluesky:text_too_long', 'instagram:media_required']));
    expect(codes).not.toContain('mastodon:text_too_long');
    const after = await ds.query(`SELECT count(*)::int AS n FROM posts WHERE campaign_id = $1`, [campaign.id]);
    expect(after).toEqual(before);

    const preview = await api.post(`/api/campaigns/${campaign.id}/posts/preview`).send({ baseText: 'Bonjour 👋', channelIds: [channels[0].id, channels[5].id] }).expect(200);
    expect(preview.body.ok).toBe(true);
    expect(preview.body.targets[0].length).toEqual({ used: 10, max: 280, unit: 'weighted' });
    expect(preview.body.targets[1].length).toEqual({ used: 9, max: 300, unit: 'graphemes' });
  });

  it('answers each kind of bad input with a 4xx saying what to fix', async () => {
    const { channels, campaign } = await setUp();
    const post = (body: object) => api.post(`/api/campaigns/${campaign.id}/posts`).send(body);
    const good = { baseText: 'Hello', channelIds: [channels[0].id], scheduledAt: future(2) };

    expect((await post({ ...good, scheduledAt: '2020-01-01T10:00:00Z' }).expect(400)).body).toMatchObject({ code: 'invalid_schedule_time', details: { reason: 'time_in_past' } });
    const gap = await post({ ...good, scheduledAt: '2027-03-28T02:30' }).expect(400);
    expect(gap.body.details.reason).toBe('nonexistent_local_time');
    const ambiguous = await post({ ...good, scheduledAt: '2027-10-31T02:30' }).expect(400);
    expect(ambiguous.body.details.reason).toBe('ambiguous_local_time');
    await post({ ...good, scheduledAt: '2027-10-31T02:30:00+01:00' }).expect(201);
    expect((await post({ ...good, scheduledAt: 'tomorrow' }).expect(400)).body.details.reason).toBe('invalid_datetime');

    expect((await post({ ...good, surprise: 1 }).expect(400)).body.message).toContain('surprise');
    expect((await post({ ...good, channelIds: 'all' }).expect(400)).body.code).toBe('validation_failed');
    expect((await post({ ...good, channelIds: [] }).expect(400)).body.message).toContain('at least one channel');
    const unknownChannel = await post({ ...good, channelIds: [randomUUID()] }).expect(400);
    expect(unknownChannel.body.details.unknownChannelIds).toHaveLength(1);

    // A channel of a partner that is not in this campaign.
    const outsider = (await api.post('/api/partners').send({ slug: uniqueSlug('outsider'), name: 'Outsider' }).expect(201)).body;
    const foreignChannel = (await api.post(`/api/partners/${outsider.id}/channels`).send({ network: 'x', handle: '@outsider', externalId: randomUUID() }).expect(201)).body;
    const foreign = await post({ ...good, channelIds: [foreignChannel.id] }).expect(400);
    expect(foreign.body.details.channelsOfNonMembers).toEqual([foreignChannel.id]);

    expect((await api.post(`/api/campaigns/${randomUUID()}/posts`).send(good).expect(404)).body.code).toBe('not_found');
    expect((await api.get(`/api/posts/${randomUUID()}`).expect(404)).body.code).toBe('not_found');
    const malformed = await api.post(`/api/campaigns/${campaign.id}/posts`).set('content-type', 'application/json').send('{"baseText": "x",').expect(400);
    expect(malformed.body.code).toBe('malformed_json');
    const huge = await post({ ...good, baseText: 'x'.repeat(1_200_000) }).expect(413);
    expect(huge.body.code).toBe('payload_too_large');
    expect((await post({ ...good, variants: { myspace: 'hi' } }).expect(400)).body.message).toContain('variants');
    expect((await post({ ...good, media: [{ url: 'https://a.b/c.jpg', type: 'gif' }] }).expect(400)).body.message).toContain('media[0].type');
  });

  it('refuses a baseline that ends after the campaign starts, by as little as a millisecond, and writes nothing', async () => {
    const slug = uniqueSlug('late-baseline');
    const partner = (await api.post('/api/partners').send({ slug: uniqueSlug('lb'), name: 'Baseline partner' }).expect(201)).body;
    const res = await api
      .post('/api/campaigns')
      .send({
        slug, name: 'Late baseline', timeZone: 'Europe/Paris',
        startsAt: '2027-03-01T09:00:00.000Z', endsAt: '2027-04-01T09:00:00.000Z',
        baselineStartsAt: '2027-02-01T09:00:00.000Z', baselineEndsAt: '2027-03-01T09:00:00.001Z', partnerIds: [partner.id],
      })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', details: { field: 'baselineEndsAt' } });
    expect(res.body.message).toContain('baseline');
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM campaigns WHERE slug = $1`, [slug]);
    expect(n).toBe(0);
    // Ending exactly at the start is the default and is accepted.
    await api
      .post('/api/campaigns')
      .send({ slug, name: 'Baseline to the start', timeZone: 'Europe/Paris', startsAt: '2027-03-01T09:00:00.000Z', endsAt: '2027-04-01T09:00:00.000Z', baselineEndsAt: '2027-03-01T09:00:00.000Z', partnerIds: [partner.id] })
      .expect(201);
  });

  it('bumps the version on a content edit and keeps it on a schedule move', async () => {
    const { channels, campaign } = await setUp();
    const created = (await api.post(`/api/campaigns/${campaign.id}/posts`).send({ baseText: 'v1', channelIds: [channels[0].id, channels[1].id], scheduledAt: future(2) }).expect(201)).body;
    const moved = (await api.patch(`/api/posts/${created.id}`).send({ scheduledAt: future(4) }).expect(200)).body;
    expect(moved.version).toBe(1);
    expect(moved.deliveries.every((d: { dueAt: string }) => d.dueAt === moved.scheduledAt)).toBe(true);
    const edited = (await api.patch(`/api/posts/${created.id}`).send({ baseText: 'v2', channelIds: [channels[0].id, channels[5].id] }).expect(200)).body;
    expect(edited.version).toBe(2);
    expect(edited.deliveries.map((d: { channelId: string }) => d.channelId).sort()).toEqual([channels[0].id, channels[5].id].sort());
    expect(edited.deliveries.every((d: { postVersion: number; resolvedText: string }) => d.postVersion === 2 && d.resolvedText === 'v2')).toBe(true);
    // A rejected edit leaves the post as it was.
    await api.patch(`/api/posts/${created.id}`).send({ baseText: 'x'.repeat(300) }).expect(422);
    expect((await api.get(`/api/posts/${created.id}`).expect(200)).body.version).toBe(2);
  });

  it('keeps credentials encrypted at rest and write-only', async () => {
    const { channels } = await setUp();
    const ds = t.app.get(DataSource);
    const [row] = await ds.query(`SELECT credentials_encrypted FROM channels WHERE id = $1`, [channels[0].id]);
    expect(row.credentials_encrypted).toMatch(/^v1\./);
    expect(row.credentials_encrypted).not.toContain('do-not-leak');
    const updated = await api.put(`/api/channels/${channels[0].id}/credentials`).send({ credentials: { accessToken: 'new-secret-zzz' } }).expect(200);
    expect(JSON.stringify(updated.body)).not.toContain('new-secret-zzz');
    expect((await api.put(`/api/channels/${channels[0].id}/credentials`).send({ credentials: { nested: { a: 1 } } }).expect(400)).body.code).toBe('validation_failed');
    const audit = await ds.query(`SELECT after FROM audit_events WHERE entity_id = $1 AND action = 'channel.credentials_changed'`, [channels[0].id]);
    expect(JSON.stringify(audit)).not.toContain('new-secret-zzz');
  });
});
