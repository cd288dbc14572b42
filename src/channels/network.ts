/** The social networks Chorus publishes to. `sandbox` is an in-process network for demos. */
export const NETWORKS = ['x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'sandbox'] as const;
export type Network = (typeof NETWORKS)[number];

export function isNetwork(value: unknown): value is Network {
  return typeof value === 'string' && (NETWORKS as readonly string[]).includes(value);
}
