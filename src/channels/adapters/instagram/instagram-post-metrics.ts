import { countOf, notAvailable, PostMetricsReading, PublishedPostRef } from '../post-metrics';

export const INSTAGRAM_POST_METRICS_SOURCE = 'instagram GET /{media-id}/insights metric=views,reach,likes,comments,shares,saved';

/**
 * Instagram media insights. A metric Instagram cannot give yet (too few viewers, data delayed up to
 * 48 h) is absent from the answer rather than 0: it stays null here.
 */
export async function readInstagramPostMetrics(
  get: (path: string, params: Record<string, string>) => Promise<unknown>,
  post: PublishedPostRef,
): Promise<PostMetricsReading> {
  const answer = (await get(`/${encodeURIComponent(post.externalId)}/insights`, { metric: 'views,reach,likes,comments,shares,saved' })) as {
    data?: Array<{ name?: string; values?: Array<{ value?: unknown }>; total_value?: { value?: unknown } }>;
  };
  const value = (name: string) => {
    const d = answer.data?.find((x) => x.name === name);
    return countOf(d?.values?.[0]?.value ?? d?.total_value?.value);
  };
  return {
    metrics: { ...notAvailable(), views: value('views'), reach: value('reach'), likes: value('likes'), replies: value('comments'), reposts: value('shares'), saves: value('saved') },
    source: INSTAGRAM_POST_METRICS_SOURCE,
  };
}
