import { NetworkError } from '../network-adapter';
import { countOf, notAvailable, PostMetricsReading, PublishedPostRef } from '../post-metrics';

export const FACEBOOK_POST_METRICS_SOURCE = 'facebook GET /{post-id} (reactions, comments, shares) + /{post-id}/insights (post_impressions, post_impressions_unique)';

/**
 * A Page post's reactions, comments and shares come from the post's own fields; views and reach
 * from post insights, which Meta restricts (Pages with 100+ likes, metrics retired over time). An
 * insights refusal leaves views and reach null; it does not lose the counts.
 */
export async function readFacebookPostMetrics(
  get: (path: string, params: Record<string, string>) => Promise<unknown>,
  post: PublishedPostRef,
): Promise<PostMetricsReading> {
  const id = encodeURIComponent(post.externalId);
  const fields = (await get(`/${id}`, {
    fields: 'shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)',
  })) as { shares?: { count?: unknown }; reactions?: { summary?: { total_count?: unknown } }; comments?: { summary?: { total_count?: unknown } } };
  const metrics = {
    ...notAvailable(),
    likes: countOf(fields.reactions?.summary?.total_count),
    replies: countOf(fields.comments?.summary?.total_count),
    reposts: countOf(fields.shares?.count),
  };
  try {
    const insights = (await get(`/${id}/insights`, { metric: 'post_impressions,post_impressions_unique', period: 'lifetime' })) as {
      data?: Array<{ name?: string; values?: Array<{ value?: unknown }> }>;
    };
    const value = (name: string) => countOf(insights.data?.find((d) => d.name === name)?.values?.[0]?.value);
    metrics.views = value('post_impressions');
    metrics.reach = value('post_impressions_unique');
  } catch (err) {
    // Rate limits and lost tokens are the whole read's problem; a refused metric is only "not available".
    if (err instanceof NetworkError && (err.kind === 'rate_limited' || err.kind === 'auth' || err.kind === 'transient')) throw err;
  }
  return { metrics, source: FACEBOOK_POST_METRICS_SOURCE };
}
