import { createHash } from 'node:crypto';
import { notAvailable, PostMetricsReading, PublishedPostRef } from '../post-metrics';

export const SANDBOX_POST_METRICS_SOURCE = 'sandbox (figures made up for the demo)';

/**
 * The sandbox's made-up figures for a post, so the demo shows per-post reach: views grow towards
 * a ceiling derived from the post id over the first days, reach is 70 % of views, likes, reposts
 * and replies small shares of them. Quotes and clicks are "not available", as on many networks.
 */
export function sandboxPostMetrics(post: PublishedPostRef, now: Date): PostMetricsReading {
  const seed = createHash('sha256').update(post.externalId).digest().readUInt32BE(0);
  const ceiling = 200 + (seed % 4800);
  const hours = Math.max(0, (now.getTime() - post.publishedAt.getTime()) / 3_600_000);
  const views = Math.round(ceiling * (1 - Math.exp(-hours / 24)));
  return {
    metrics: {
      ...notAvailable(),
      views,
      reach: Math.round(views * 0.7),
      likes: Math.round(views * (0.02 + (seed % 5) / 100)),
      reposts: Math.round(views * 0.005),
      replies: Math.round(views * 0.003),
    },
    source: SANDBOX_POST_METRICS_SOURCE,
  };
}
