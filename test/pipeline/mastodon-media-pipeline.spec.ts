import http from 'node:http';
import { AddressInfo } from 'node:net';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { usePrivateRedisPrefix } from '../support/pipeline-fixtures';
import { Pipeline, startPipeline, waitForStatus } from './pipeline-harness';

// One attempt waits a second for processing: shorter than this instance needs, so the delivery
// takes several attempts, as a slow video would on a busy instance.
usePrivateRedisPrefix({ MASTODON_MEDIA_WAIT_MS: '1000' });

/**
 * Mastodon processes media asynchronously (202, then GET /api/v1/media/:id until its url is set).
 * A delivery whose media outlasts one attempt is retried, and the retry polls the upload the
 * first attempt made: the file goes to the instance once.
 */
describe('Mastodon media processed slowly, through the pipeline', () => {
  let p: Pipeline;
  const emulator = new MastodonEmulator({ accounts: [{ id: 'slow1', username: 'slow1', token: 'tok-slow1' }], mediaProcessingPolls: 3 });
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  let served = 0;
  const files = http.createServer((_req, res) => {
    served += 1;
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
    res.end(png);
  });
  let fileUrl = '';

  beforeAll(async () => {
    await emulator.start();
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/affiche.png`;
    p = await startPipeline();
  });

  afterAll(async () => {
    await p?.close();
    await emulator.close();
    await new Promise<void>((resolve) => files.close(() => resolve()));
  });

  it('waits across attempts and never uploads the same file twice', async () => {
    const partnerId = await p.fixtures.partner();
    const campaignId = await p.fixtures.campaign();
    const [channelId] = await p.fixtures.channels(partnerId, [
      { network: 'mastodon', externalId: 'slow1', handle: '@slow1', instanceUrl: emulator.url, credentials: { accessToken: 'tok-slow1' } },
    ]);
    const r = await p.fixtures.release({
      campaignId, channelIds: [channelId], posts: 1, dueAt: new Date(Date.now() + 300), tag: `media-${Date.now()}`,
      media: [{ url: fileUrl, type: 'image', altText: 'Affiche' }],
    });
    await p.scheduler.enqueue(r.deliveryIds);
    const row = await waitForStatus(p, r.deliveryIds[0], 'published', 60_000);
    // More than one attempt was needed…
    expect(row.attempts).toBeGreaterThan(1);
    // …and the file was fetched and uploaded once.
    expect(emulator.requests.filter((q) => q.method === 'POST' && q.path === '/api/v2/media')).toHaveLength(1);
    expect(served).toBe(1);
    expect(emulator.posts).toHaveLength(1);
    expect(emulator.posts[0].extra?.mediaIds).toHaveLength(1);
  });
});
