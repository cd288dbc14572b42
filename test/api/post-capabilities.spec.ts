import { randomUUID } from 'node:crypto';
import { uniqueSlug } from '../support/builders';
import { AuthedHttp, createTestApp, TestApp } from '../support/test-app';

/**
 * A post an adapter cannot send (a video where Chorus has no video path for that network, a file
 * type it cannot send) is refused when composed, with the reason per channel: in the preview, on
 * create and on edit. Never approved and then failed at the minute.
 */
describe('what Chorus can publish is checked when the post is composed', () => {
  let t: TestApp;
  let api: AuthedHttp;
  beforeAll(async () => {
    t = await createTestApp();
    api = await t.as('manager');
  });
  afterAll(() => t.close());

  it('refuses a video for Facebook and LinkedIn (and says so per channel) in the preview, on create and on edit', async () => {
    const partner = (await api.post('/api/partners').send({ slug: uniqueSlug('p'), name: 'P' }).expect(201)).body;
    const channel = async (network: string, externalId: string) =>
      (await api.post(`/api/partners/${partner.id}/channels`).send({ network, handle: '@p', externalId }).expect(201)).body;
    const facebook = await channel('facebook', randomUUID());
    const linkedin = await channel('linkedin', `urn:li:organization:${Date.now()}`);
    const x = await channel('x', randomUUID());
    const campaign = (
      await api.post('/api/campaigns').send({ slug: uniqueSlug('c'), name: 'C', timeZone: 'Europe/Paris', startsAt: '2026-01-01T00:00', endsAt: '2030-12-31T00:00', partnerIds: [partner.id] }).expect(201)
    ).body;
    const withVideo = {
      baseText: 'La balade en vidéo',
      media: [{ url: 'https://cdn.example/balade.mp4', type: 'video' }],
      channelIds: [facebook.id, linkedin.id, x.id],
    };

    const preview = (await api.post(`/api/campaigns/${campaign.id}/posts/preview`).send(withVideo).expect(200)).body;
    expect(preview.ok).toBe(false);
    expect(preview.problems.map((p: { code: string; channelId: string }) => [p.code, p.channelId])).toEqual([
      ['media_not_supported', facebook.id],
      ['media_not_supported', linkedin.id],
    ]);
    expect(preview.problems[0].message).toMatch(/cannot publish videos on Facebook/);

    const scheduledAt = new Date(Date.now() + 86_400_000).toISOString();
    const refused = await api.post(`/api/campaigns/${campaign.id}/posts`).send({ ...withVideo, scheduledAt }).expect(422);
    expect(refused.body.code).toBe('post_invalid_for_network');
    expect(refused.body.details.problems.map((p: { code: string }) => p.code)).toEqual(['media_not_supported', 'media_not_supported']);

    const post = (await api.post(`/api/campaigns/${campaign.id}/posts`).send({ ...withVideo, channelIds: [x.id], scheduledAt }).expect(201)).body;
    const edit = await api.patch(`/api/posts/${post.id}`).send({ channelIds: [x.id, linkedin.id] }).expect(422);
    expect(edit.body.details.problems).toEqual([expect.objectContaining({ code: 'media_not_supported', channelId: linkedin.id, network: 'linkedin' })]);
  });
});
