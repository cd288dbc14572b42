import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { AnalyticsWindow, resolveWindow } from '../analytics-window';
import { AnalyticsCampaign, CampaignLookupService } from '../campaign-lookup.service';
import {
  CHANNEL_INDICATORS_WITH_LIFT_SQL,
  CLICK_TOTALS_SQL,
  CONVERSION_TOTALS_SQL,
  DAILY_SERIES_SQL,
  ROLLUP_INDICATORS_SQL,
  SUMMED_DAILY_SERIES_SQL,
} from '../indicators.sql';
import { day, iso, num } from '../pg-numbers';
import { LiftInterval, liftInterval } from './lift-interval';

export type DataStatus = 'ok' | 'not_available' | 'no_data';

export interface ChannelIndicator {
  channelId: string;
  partnerId: string;
  partnerSlug: string;
  network: string;
  handle: string;
  channelStatus: string;
  /** ok: counted; not_available: the network cannot give a follower count (never shown as 0); no_data: no reading yet. */
  dataStatus: DataStatus;
  startFollowers: number | null;
  startMeasuredAt: string | null;
  /**
   * How the start figure was chosen: the reading taken for this edge (a campaign's start snapshot),
   * else the last reading at or before the window's start, else (channel added or first read
   * mid-window) its first reading in the window.
   */
  startBasis: StartBasis | null;
  endFollowers: number | null;
  endMeasuredAt: string | null;
  /** The reading taken for the end edge (a campaign's end snapshot), else the last reading at or before the end (or now). */
  endBasis: EndBasis | null;
  newFollowers: number | null;
  growthPct: number | null;
  baseline: { points: number; slopePerDay: number | null; firstAt: string | null; lastAt: string | null };
  expectedGrowth: number | null;
  lift: number | null;
  /** 95 % prediction interval of the lift under the baseline trend alone; null without 3 baseline points. */
  liftInterval: LiftInterval | null;
  failedPolls: number;
}

export type StartBasis = 'edge_reading' | 'last_at_or_before_start' | 'first_in_window';
export type EndBasis = 'edge_reading' | 'last_at_or_before_end';

/** Which readings a window's edge used, and when they were taken (over the channels with a reading). */
export interface EdgeReadings {
  at: string;
  channels: Record<StartBasis | EndBasis | 'none', number>;
  firstTakenAt: string | null;
  lastTakenAt: string | null;
}

export interface RollupIndicator {
  channels: number;
  channelsWithData: number;
  channelsNotAvailable: number;
  channelsWithoutData: number;
  channelsStartedInWindow: number;
  startFollowers: number | null;
  endFollowers: number | null;
  newFollowers: number | null;
  growthPct: number | null;
  channelsWithBaseline: number;
  baselinePoints: number;
  newFollowersWithBaseline: number | null;
  expectedGrowth: number | null;
  lift: number | null;
  liftInterval: LiftInterval | null;
  failedPolls: number;
}

export interface ConversionTotals {
  count: number;
  records: number;
  bySource: Record<string, number>;
}

/** Follower indicators, clicks and conversions of one campaign over a window (default: the campaign's). */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignLookupService,
  ) {}

  async forCampaign(campaignId: string, query: { from?: string; to?: string }) {
    const campaign = await this.campaigns.require(campaignId);
    const window = resolveWindow(campaign, query);
    const params = [campaign.id, window.from, window.to];
    const [channelRows, rollupRows, conversionRows, clickRows, partners, tracks] = await Promise.all([
      this.db.query(CHANNEL_INDICATORS_WITH_LIFT_SQL, params),
      this.db.query(ROLLUP_INDICATORS_SQL, params),
      this.db.query(CONVERSION_TOTALS_SQL, [campaign.id, window.firstDay, window.lastDay]),
      this.db.query(CLICK_TOTALS_SQL, [campaign.id, window.firstDay, window.lastDay]),
      this.campaigns.partners(campaign.id),
      this.db.query(`SELECT id, name FROM tracks WHERE campaign_id = $1 ORDER BY name`, [campaign.id]),
    ]);
    const rollups = new Map<string, RollupIndicator>(
      (rollupRows as Record<string, unknown>[]).map((r) => [`${r.level}:${r.key ?? ''}`, toRollup(r)]),
    );
    const conversions = groupConversions(conversionRows);
    const clicks = new Map<string, number>((clickRows as Array<{ partner_id: string; clicks: number }>).map((r) => [r.partner_id, r.clicks]));
    const none = emptyRollup();
    const sumConversions = (all: ConversionTotals[]) => mergeConversions(all);
    const channels = (channelRows as Record<string, unknown>[]).map(toChannel);

    return {
      campaign: { id: campaign.id, slug: campaign.slug, name: campaign.name, timeZone: campaign.timeZone },
      window: { ...describeWindow(campaign, window), edges: edgeReadings(window, channels) },
      notes: NOTES,
      campaignTotals: {
        followers: rollups.get('campaign:') ?? none,
        clicks: [...clicks.values()].reduce((a, b) => a + b, 0),
        conversions: sumConversions([...conversions.values()]),
      },
      partners: partners.map((p) => ({
        partnerId: p.id,
        slug: p.slug,
        name: p.name,
        followers: rollups.get(`partner:${p.id}`) ?? none,
        clicks: clicks.get(p.id) ?? 0,
        conversions: conversions.get(p.id) ?? { count: 0, records: 0, bySource: {} },
      })),
      tracks: (tracks as Array<{ id: string; name: string }>).map((t) => ({
        trackId: t.id,
        name: t.name,
        followers: rollups.get(`track:${t.id}`) ?? none,
      })),
      networks: [...rollups.entries()]
        .filter(([k]) => k.startsWith('network:'))
        .map(([k, v]) => ({ network: k.slice('network:'.length), followers: v })),
      channels,
    };
  }

  /** Daily follower series of one channel, or summed over a partner's channels, or the whole campaign's. */
  async series(campaignId: string, query: { from?: string; to?: string; channelId?: string; partnerId?: string }) {
    const campaign = await this.campaigns.require(campaignId);
    const window = resolveWindow(campaign, query);
    const channelIds: string[] = (
      await this.db.query(
        `SELECT ch.id FROM campaign_partners cp JOIN channels ch ON ch.partner_id = cp.partner_id
          WHERE cp.campaign_id = $1 AND ($2::uuid IS NULL OR ch.id = $2) AND ($3::uuid IS NULL OR ch.partner_id = $3)
          ORDER BY ch.id`,
        [campaign.id, query.channelId ?? null, query.partnerId ?? null],
      )
    ).map((r: { id: string }) => r.id);
    if (query.channelId && channelIds.length === 0) throw DomainError.notFound('channel in this campaign', query.channelId);
    const params = [channelIds, window.from, window.to, campaign.timeZone];
    const scope = query.channelId ? { channelId: query.channelId } : query.partnerId ? { partnerId: query.partnerId } : { campaign: true };
    if (query.channelId) {
      const rows: Record<string, unknown>[] = await this.db.query(DAILY_SERIES_SQL, params);
      return {
        scope,
        window: describeWindow(campaign, window),
        days: rows.map((r) => ({
          day: day(r.day),
          followers: num(r.followers),
          measuredAt: iso(r.taken_at),
          carriedForward: r.carried_forward === true,
          change: num(r.change),
        })),
      };
    }
    const rows: Record<string, unknown>[] = await this.db.query(SUMMED_DAILY_SERIES_SQL, params);
    return {
      scope,
      window: describeWindow(campaign, window),
      channels: channelIds.length,
      days: rows.map((r) => ({
        day: day(r.day),
        followers: num(r.followers),
        channelsWithReading: num(r.channels_with_reading),
        change: num(r.change),
      })),
    };
  }
}

const NOTES = [
  'Followers at an edge of the window = the reading taken for that edge when there is one (a campaign start or end snapshot, taken a moment after the instant: basis edge_reading), else the last reading at or before it (or now, while the window runs). window.edges says which readings each edge used and when they were taken.',
  'A channel with no reading before the start (added mid-campaign) starts from its first reading in the window: startBasis = first_in_window.',
  'Expected growth = baseline trend (least-squares line through the last reading of each day in the baseline window) × the time between the start and end readings; lift = new followers − expected growth.',
  'liftInterval: 95 % prediction interval of the lift if only the baseline trend were at work (from the fit\'s residuals, Student t with n − 2 degrees of freedom); verdict within_trend = not distinguishable from the trend. Sums add the channels\' variances.',
  'not_available: the network cannot give a follower count for this account; such channels are left out of sums, never counted as 0.',
];

export function describeWindow(campaign: AnalyticsCampaign, window: AnalyticsWindow) {
  const now = new Date();
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    /** The end actually used: the window's end, or now while the window is still running. */
    effectiveTo: (window.to > now ? now : window.to).toISOString(),
    firstDay: window.firstDay,
    lastDay: window.lastDay,
    timeZone: campaign.timeZone,
    source: window.source,
    baseline: { from: campaign.baselineStartsAt.toISOString(), to: campaign.baselineEndsAt.toISOString() },
  };
}

function toChannel(r: Record<string, unknown>): ChannelIndicator {
  return {
    channelId: String(r.channel_id),
    partnerId: String(r.partner_id),
    partnerSlug: String(r.partner_slug),
    network: String(r.network),
    handle: String(r.handle),
    channelStatus: String(r.channel_status),
    dataStatus: r.data_status as DataStatus,
    startFollowers: num(r.start_followers),
    startMeasuredAt: iso(r.start_taken_at),
    startBasis: (r.start_basis as StartBasis | null) ?? null,
    endFollowers: num(r.end_followers),
    endMeasuredAt: iso(r.end_taken_at),
    endBasis: (r.end_basis as EndBasis | null) ?? null,
    newFollowers: num(r.new_followers),
    growthPct: num(r.growth_pct),
    baseline: {
      points: num(r.baseline_points) ?? 0,
      slopePerDay: num(r.baseline_slope_per_day),
      firstAt: iso(r.baseline_first_at),
      lastAt: iso(r.baseline_last_at),
    },
    expectedGrowth: num(r.expected_growth),
    lift: num(r.lift),
    liftInterval: liftInterval(num(r.lift), num(r.lift_se), (num(r.baseline_points) ?? 0) - 2),
    failedPolls: num(r.failed_polls) ?? 0,
  };
}

function toRollup(r: Record<string, unknown>): RollupIndicator {
  return {
    channels: num(r.channels) ?? 0,
    channelsWithData: num(r.channels_with_data) ?? 0,
    channelsNotAvailable: num(r.channels_not_available) ?? 0,
    channelsWithoutData: num(r.channels_without_data) ?? 0,
    channelsStartedInWindow: num(r.channels_started_in_window) ?? 0,
    startFollowers: num(r.start_followers),
    endFollowers: num(r.end_followers),
    newFollowers: num(r.new_followers),
    growthPct: num(r.growth_pct),
    channelsWithBaseline: num(r.channels_with_baseline) ?? 0,
    baselinePoints: num(r.baseline_points) ?? 0,
    newFollowersWithBaseline: num(r.new_followers_with_baseline),
    expectedGrowth: num(r.expected_growth),
    lift: num(r.lift),
    liftInterval: liftInterval(num(r.lift), num(r.lift_se), num(r.lift_df)),
    failedPolls: num(r.failed_polls) ?? 0,
  };
}

/** Per edge of the window: how many channels used each kind of reading, and the span of their times. */
export function edgeReadings(window: AnalyticsWindow, channels: ChannelIndicator[]): { start: EdgeReadings; end: EdgeReadings } {
  const summarize = (at: Date, pick: (c: ChannelIndicator) => [string | null, string | null]): EdgeReadings => {
    const counts: EdgeReadings['channels'] = { edge_reading: 0, last_at_or_before_start: 0, first_in_window: 0, last_at_or_before_end: 0, none: 0 };
    const times: string[] = [];
    for (const c of channels) {
      const [basis, takenAt] = pick(c);
      counts[(basis ?? 'none') as keyof EdgeReadings['channels']]++;
      if (takenAt) times.push(takenAt);
    }
    times.sort();
    return { at: at.toISOString(), channels: counts, firstTakenAt: times[0] ?? null, lastTakenAt: times[times.length - 1] ?? null };
  };
  const now = new Date();
  return {
    start: summarize(window.from, (c) => [c.startBasis, c.startMeasuredAt]),
    end: summarize(window.to > now ? now : window.to, (c) => [c.endBasis, c.endMeasuredAt]),
  };
}

function emptyRollup(): RollupIndicator {
  return {
    channels: 0, channelsWithData: 0, channelsNotAvailable: 0, channelsWithoutData: 0, channelsStartedInWindow: 0,
    startFollowers: null, endFollowers: null, newFollowers: null, growthPct: null,
    channelsWithBaseline: 0, baselinePoints: 0, newFollowersWithBaseline: null, expectedGrowth: null, lift: null, liftInterval: null, failedPolls: 0,
  };
}

function groupConversions(rows: Array<{ partner_id: string; source: string; count: number; records: number }>): Map<string, ConversionTotals> {
  const out = new Map<string, ConversionTotals>();
  for (const r of rows) {
    const t = out.get(r.partner_id) ?? { count: 0, records: 0, bySource: {} };
    t.count += r.count;
    t.records += r.records;
    t.bySource[r.source] = (t.bySource[r.source] ?? 0) + r.count;
    out.set(r.partner_id, t);
  }
  return out;
}

function mergeConversions(all: ConversionTotals[]): ConversionTotals {
  const total: ConversionTotals = { count: 0, records: 0, bySource: {} };
  for (const t of all) {
    total.count += t.count;
    total.records += t.records;
    for (const [k, v] of Object.entries(t.bySource)) total.bySource[k] = (total.bySource[k] ?? 0) + v;
  }
  return total;
}
