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
  /** Ages after publication at which a post's figures are read (ANALYTICS_POST_METRIC_AGES, default 1h,24h,7d,28d). */
  postMetricAges: Array<{ label: string; minutes: number }>;
  /** How often each worker looks for post figures due, and the most it asks for per tick and per channel. */
  postMetricTickMs: number;
  postMetricsPerTick: number;
  postMetricsPerChannelPerTick: number;
}

export const ANALYTICS_SETTINGS = Symbol('ANALYTICS_SETTINGS');

export function loadAnalyticsSettings(env: NodeJS.ProcessEnv = process.env): AnalyticsSettings {
  return {
    snapshotIntervalMinutes: intVar(env, 'ANALYTICS_SNAPSHOT_INTERVAL_MINUTES', 360, 5, 10080),
    fineRetentionDays: intVar(env, 'ANALYTICS_FINE_RETENTION_DAYS', 90, 1, 3650),
    pollTickMs: intVar(env, 'ANALYTICS_POLL_TICK_MS', 60_000, 100, 3_600_000),
    postMetricAges: parseAges(env.ANALYTICS_POST_METRIC_AGES ?? '1h,24h,7d,28d'),
    postMetricTickMs: intVar(env, 'ANALYTICS_POST_METRIC_TICK_MS', 60_000, 100, 3_600_000),
    postMetricsPerTick: intVar(env, 'ANALYTICS_POST_METRICS_PER_TICK', 500, 1, 100_000),
    postMetricsPerChannelPerTick: intVar(env, 'ANALYTICS_POST_METRICS_PER_CHANNEL_PER_TICK', 10, 1, 10_000),
  };
}

const AGE = /^(\d+)([mhd])$/;

/** "1h,24h,7d,28d" → ages in minutes, ascending; each between 1 minute and 365 days. */
export function parseAges(raw: string): Array<{ label: string; minutes: number }> {
  const ages = raw.split(',').map((s) => s.trim()).filter(Boolean).map((label) => {
    const m = AGE.exec(label);
    const minutes = m ? Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2] as 'm' | 'h' | 'd'] : NaN;
    if (!m || !(minutes >= 1 && minutes <= 365 * 1440)) {
      throw new Error(`Configuration error: ANALYTICS_POST_METRIC_AGES must list ages such as 1h,24h,7d,28d (got "${raw}")`);
    }
    return { label, minutes };
  });
  if (!ages.length) throw new Error('Configuration error: ANALYTICS_POST_METRIC_AGES must list at least one age');
  return ages.sort((a, b) => a.minutes - b.minutes);
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
