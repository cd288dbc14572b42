import { countOf, notAvailable, PostMetricsReading, PublishedPostRef } from '../post-metrics';

export const LINKEDIN_POST_METRICS_SOURCE = 'linkedin GET /rest/organizationalEntityShareStatistics q=organizationalEntity';

/**
 * LinkedIn gives statistics for an organization's posts only (organizationalEntityShareStatistics,
 * lifetime totals when no time range is asked, past 12 months). A member's post has none: every
 * figure stays null. Shares (urn:li:share:…) and UGC posts (urn:li:ugcPost:…) are asked with their own parameter.
 */
export async function readLinkedInPostMetrics(
  author: string,
  get: (url: string, params: Record<string, string>) => Promise<unknown>,
  post: PublishedPostRef,
): Promise<PostMetricsReading> {
  if (!author.startsWith('urn:li:organization:')) return { metrics: notAvailable(), source: LINKEDIN_POST_METRICS_SOURCE };
  const kind = post.externalId.startsWith('urn:li:ugcPost:') ? 'ugcPosts' : 'shares';
  const answer = (await get('/rest/organizationalEntityShareStatistics', {
    q: 'organizationalEntity',
    organizationalEntity: author,
    [kind]: `List(${post.externalId})`,
  })) as { elements?: Array<{ totalShareStatistics?: Record<string, unknown> }> };
  const s = answer.elements?.[0]?.totalShareStatistics;
  if (!s) return { metrics: notAvailable(), source: LINKEDIN_POST_METRICS_SOURCE };
  return {
    metrics: {
      ...notAvailable(),
      views: countOf(s.impressionCount),
      reach: countOf(s.uniqueImpressionsCount),
      likes: countOf(s.likeCount),
      replies: countOf(s.commentCount),
      reposts: countOf(s.shareCount),
      linkClicks: countOf(s.clickCount),
    },
    source: LINKEDIN_POST_METRICS_SOURCE,
  };
}
