import { NetworkError } from '../network-adapter';
import { countOf, notAvailable, PostMetricsReading, PublishedPostRef } from '../post-metrics';

export const BLUESKY_POST_METRICS_SOURCE = 'bluesky GET /xrpc/app.bsky.feed.getPosts';

/**
 * Bluesky's post view carries likeCount, repostCount, replyCount and quoteCount (app.bsky.feed.getPosts,
 * up to 25 URIs a call). No views, reach or clicks: those stay null. A post that is gone is simply
 * absent from the answer: reported as a content error, not as zeros.
 */
export async function readBlueskyPostMetrics(get: (url: string, params: Record<string, string>) => Promise<unknown>, post: PublishedPostRef): Promise<PostMetricsReading> {
  const answer = (await get('/xrpc/app.bsky.feed.getPosts', { uris: post.externalId })) as { posts?: Array<Record<string, unknown>> };
  const view = answer.posts?.find((p) => p.uri === post.externalId);
  if (!view) throw new NetworkError('content', 'Bluesky no longer shows this post (deleted, or hidden from Chorus).');
  return {
    metrics: {
      ...notAvailable(),
      likes: countOf(view.likeCount),
      reposts: countOf(view.repostCount),
      replies: countOf(view.replyCount),
      quotes: countOf(view.quoteCount),
    },
    source: BLUESKY_POST_METRICS_SOURCE,
  };
}
