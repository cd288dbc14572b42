/**
 * What a network says about one published post (issue 21). Every figure is either a count the
 * network gave or null: "not available" (the network does not give it, not for this kind of account
 * or post, or not yet). Never 0 in its place.
 */
export const POST_METRICS = ['views', 'reach', 'likes', 'reposts', 'replies', 'quotes', 'linkClicks', 'videoViews', 'saves'] as const;
export type PostMetric = (typeof POST_METRICS)[number];
export type PostMetrics = Record<PostMetric, number | null>;

export interface PostMetricsReading {
  metrics: PostMetrics;
  /** The call the figures came from, e.g. "GET /api/v1/statuses/:id", kept with the snapshot. */
  source: string;
}

/** The published post to read: its id on the network and when it went out. */
export interface PublishedPostRef {
  externalId: string;
  url: string | null;
  publishedAt: Date;
}

/** Every metric not available; readers fill in what their network gives. */
export function notAvailable(): PostMetrics {
  return { views: null, reach: null, likes: null, reposts: null, replies: null, quotes: null, linkClicks: null, videoViews: null, saves: null };
}

/** A count from a network's answer: a non-negative whole number, else not available. */
export function countOf(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}
