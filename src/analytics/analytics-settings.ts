/**
 * Settings of follower polling and snapshot retention, read once at start-up (fail fast with the
 * variable's name, like src/config/env.ts).
 */
export interface AnalyticsSettings {
  /** Default time between two polls of a channel; a campaign's snapshot_interval_minutes overrides it. */
  snapshotIntervalMinutes: number;
  /** Sub-daily snapshots are kept this many days; older ones are thinned to the last point of each day. */
  fineRetentionDays: number;
  /** How often each worker looks for due polls and campaign boundaries. */
  pollTickMs: number;
}

export const ANALYTICS_SETTINGS = Symbol('ANALYTICS_SETTINGS');

export function loadAnalyticsSettings(env: NodeJS.ProcessEnv = process.env): AnalyticsSettings {
  return {
    snapshotIntervalMinutes: intVar(env, 'ANALYTICS_SNAPSHOT_INTERVAL_MINUTES', 360, 5, 10080),
    fineRetentionDays: intVar(env, 'ANALYTICS_FINE_RETENTION_DAYS', 90, 1, 3650),
    pollTickMs: intVar(env, 'ANALYTICS_POLL_TICK_MS', 60_000, 100, 3_600_000),
  };
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Configuration error: ${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}
