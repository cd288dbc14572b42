import { DataSource } from 'typeorm';
import { ChannelContextService } from '../channels/channel-context.service';
import { NetworkAdapter } from '../channels/adapters/network-adapter';
import { Network } from '../channels/network';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Simulated follower history of the demo's channels, so the indicators have a baseline from the
 * first minute: a slow trend before the campaign and a steeper one since, for the partners the
 * campaign features. It ends at the count the network (the demo's emulator) gives now, from which
 * the live polls carry on. Stored with source 'import' so it is never mistaken for a real poll.
 */
export async function importDemoFollowerHistory(
  ds: DataSource,
  contexts: ChannelContextService,
  adapters: { for(network: Network): NetworkAdapter },
  input: { channelIds: string[]; featured: Set<string>; from: Date; campaignStart: Date; now: Date },
): Promise<number> {
  let rows = 0;
  for (const channelId of input.channelIds) {
    const context = await contexts.load(channelId);
    const current = (await adapters.for(context.network).readFollowers(context)).followers ?? 0;
    const baselinePerDay = 0.5 + pseudoRandom(channelId, 1) * 1.5;
    const campaignPerDay = input.featured.has(channelId) ? baselinePerDay + 2 + pseudoRandom(channelId, 2) * 4 : baselinePerDay + pseudoRandom(channelId, 3);
    const growthUntil = (t: number) => {
      const before = Math.min(t, input.campaignStart.getTime()) - input.from.getTime();
      const since = Math.max(0, t - input.campaignStart.getTime());
      return (before / DAY) * baselinePerDay + (since / DAY) * campaignPerDay;
    };
    const end = growthUntil(input.now.getTime());
    const points: Array<[Date, number]> = [];
    for (let t = input.from.getTime(); t < input.now.getTime() - HOUR; t += 6 * HOUR) {
      const noise = Math.round((pseudoRandom(channelId, t) - 0.5) * 3);
      points.push([new Date(t), Math.max(0, Math.round(current - (end - growthUntil(t))) + noise)]);
    }
    await ds.query(
      `INSERT INTO follower_snapshots (channel_id, taken_at, followers, outcome, source)
       SELECT $1, p.taken_at, p.followers, 'count', 'import'
         FROM jsonb_to_recordset($2::jsonb) AS p(taken_at timestamptz, followers int)
       ON CONFLICT DO NOTHING`,
      [channelId, JSON.stringify(points.map(([t, f]) => ({ taken_at: t.toISOString(), followers: f })))],
    );
    rows += points.length;
  }
  return rows;
}

/** Deterministic per channel, so two seeds of the demo look alike. */
function pseudoRandom(seed: string, salt: number): number {
  let h = 2166136261 ^ salt;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}
