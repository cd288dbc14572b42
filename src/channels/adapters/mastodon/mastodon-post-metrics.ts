import { countOf, notAvailable, PostMetricsReading, PublishedPostRef } from '../post-metrics';

export const MASTODON_POST_METRICS_SOURCE = 'mastodon GET /api/v1/statuses/:id';

/**
 * Mastodon gives a status' favourites, boosts and replies counts on the status itself (and
 * quotes_count where the server knows quotes). It has no views, reach or clicks: those stay null.
 */
export async function readMastodonPostMetrics(get: (url: string) => Promise<unknown>, post: PublishedPostRef): Promise<PostMetricsReading> {
  const status = (await get(`/api/v1/statuses/${encodeURIComponent(post.externalId)}`)) as Record<string, unknown>;
  return {
    metrics: {
      ...notAvailable(),
      likes: countOf(status.favourites_count),
      reposts: countOf(status.reblogs_count),
      replies: countOf(status.replies_count),
      quotes: countOf(status.quotes_count),
    },
    source: MASTODON_POST_METRICS_SOURCE,
  };
}
