/** Why a snapshot was taken (follower_snapshots.source). */
export type SnapshotSource = 'schedule' | 'campaign_start' | 'campaign_end' | 'channel_added' | 'manual';

/** Job of the followers queue: ids only; the worker reloads the channel from Postgres. */
export const POLL_FOLLOWERS = 'poll-followers';
export interface PollFollowersJob {
  channelId: string;
  source: SnapshotSource;
  /** For a campaign's start or end: the edge instant (ISO) this reading is taken for (follower_snapshots.edge_at). */
  edgeAt?: string;
}
