import { NetworkError } from '../network-adapter';
import { countOf, notAvailable, PostMetricsReading, PublishedPostRef } from '../post-metrics';

export const X_POST_METRICS_SOURCE = 'x GET /2/tweets/:id tweet.fields=public_metrics';

/**
 * X's public_metrics of a post: impression_count (views), like, retweet, reply and quote counts.
 * Link clicks are non-public metrics (owned posts of the last 30 days only): not read, so null;
 * our own tracked-link clicks stand beside them.
 */
export async function readXPostMetrics(getTweet: (id: string) => Promise<unknown>, post: PublishedPostRef): Promise<PostMetricsReading> {
  const answer = (await getTweet(post.externalId)) as { data?: { public_metrics?: Record<string, unknown> } };
  // X answers 200 with only an error for a post that is gone: that is no figure at all, not zeros.
  if (!answer.data) throw new NetworkError('content', 'X no longer shows this post (deleted, or not visible to this account).');
  const m = answer.data.public_metrics ?? {};
  return {
    metrics: {
      ...notAvailable(),
      views: countOf(m.impression_count),
      likes: countOf(m.like_count),
      reposts: countOf(m.retweet_count),
      replies: countOf(m.reply_count),
      quotes: countOf(m.quote_count),
      saves: countOf(m.bookmark_count),
    },
    source: X_POST_METRICS_SOURCE,
  };
}
