import { createTestApp, TestApp } from '../support/test-app';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('is served at /docs and describes the API that is built', async () => {
    await t.http().get('/docs').expect(200).expect('content-type', /html/);
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/campaigns', '/api/campaigns/{campaignId}/posts', '/api/posts/{id}', '/api/partners/{partnerId}/channels', '/api/posts/{id}/approvals', '/api/campaigns/{campaignId}/indicators', '/health']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const createPost = doc.components.schemas.CreatePostDto;
    expect(createPost.required).toEqual(expect.arrayContaining(['baseText', 'channelIds', 'scheduledAt']));
    // Credentials are write-only: no response schema of a channel carries them.
    expect(JSON.stringify(doc)).not.toMatch(/credentialsEncrypted/);
  });
});
