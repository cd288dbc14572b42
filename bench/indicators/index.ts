/**
 * bench/indicators — `npm run bench` (not part of `npm test`).
 *
 * Loads 5,000,000 follower snapshots (500 channels, hourly for 10,000 hours ≈ 14 months, written
 * in time order as a collector writes them) with COPY into its own fresh database, plus 100,000
 * published deliveries with 10 per-post metric snapshots each (1,000,000 rows), then times (median
 * of 5, after one warm-up) the queries the API runs: campaign indicators for all 500 channels with
 * baseline trend and lift, one channel's daily series over a year, the reciprocity matrix, output
 * indicators per track, top posts, and the funder report's data (its queries run together on a
 * pool, as the report service runs them). Each figure is printed with the plan's index use; the last line is
 * `BENCH {...}`. The database is dropped at the end.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source';
import {
  CHANNEL_INDICATORS_WITH_LIFT_SQL,
  CLICK_TOTALS_SQL,
  CONVERSION_TOTALS_SQL,
  DAILY_SERIES_SQL,
  RECIPROCITY_PAIRS_SQL,
  RECIPROCITY_PLANNER_SETTING,
  ROLLUP_INDICATORS_SQL,
} from '../../src/analytics/indicators.sql';
import { outputsSql, RECIPROCAL_VIEWS_SQL, TOP_POSTS_SQL } from '../../src/analytics/outputs.sql';
import { projectRoot } from '../project-root';

const CHANNELS = 500;
const PARTNERS = 50;
const HOURS = 10_000;
const DELIVERIES = 100_000;
const METRIC_SNAPSHOTS_PER_DELIVERY = 10;
const RUNS = 5;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function adminUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const out = execFileSync('bash', [path.join(projectRoot(__dirname), 'scripts', 'services.sh'), 'ensure'], { encoding: 'utf8' });
  const m = out.match(/^export DATABASE_URL='([^']*)'$/m);
  if (!m) throw new Error('scripts/services.sh gave no DATABASE_URL');
  return m[1];
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  const dbName = `chorus_bench_indicators_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(adminUrl());
  url.pathname = `/${dbName}`;
  try {
    await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

async function run(databaseUrl: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const end = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
  const first = new Date(end.getTime() - (HOURS - 1) * HOUR);
  const startsAt = new Date(end.getTime() - 60 * DAY);
  const baselineStartsAt = new Date(startsAt.getTime() - 90 * DAY);

  // Partners, channels, a campaign with them all.
  await db.query(`INSERT INTO partners (slug, name) SELECT 'p' || i, 'Partner ' || i FROM generate_series(1, $1) i`, [PARTNERS]);
  await db.query(
    `INSERT INTO channels (partner_id, network, handle, external_id)
     SELECT p.id, (ARRAY['x','facebook','instagram','linkedin','mastodon','bluesky','sandbox'])[1 + i % 7], '@c' || i, 'ext-' || i
       FROM generate_series(0, $1 - 1) i JOIN partners p ON p.slug = 'p' || (1 + i % $2)`,
    [CHANNELS, PARTNERS],
  );
  const [campaign] = (
    await db.query(
      `INSERT INTO campaigns (slug, name, time_zone, starts_at, ends_at, baseline_starts_at, baseline_ends_at)
       VALUES ('bench', 'Bench', 'Europe/Paris', $1, $2, $3, $1) RETURNING id`,
      [startsAt, end, baselineStartsAt],
    )
  ).rows;
  await db.query(`INSERT INTO campaign_partners (campaign_id, partner_id) SELECT $1, id FROM partners`, [campaign.id]);
  await db.query(`INSERT INTO tracks (campaign_id, name) VALUES ($1, 'Retail'), ($1, 'Tourism')`, [campaign.id]);
  await db.query(
    `INSERT INTO track_partners (track_id, partner_id, role)
     SELECT t.id, p.id, 'member' FROM tracks t JOIN partners p ON (t.name = 'Retail') = (substr(p.slug, 2)::int % 2 = 0)`,
  );
  const channelIds: string[] = (await db.query(`SELECT id FROM channels ORDER BY external_id`)).rows.map((r) => r.id);

  // 5,000,000 snapshots in time order, by COPY, one statement per 10 days (as a collector would flush).
  const t0 = Date.now();
  const chunkHours = 240;
  for (let h0 = 0; h0 < HOURS; h0 += chunkHours) {
    const h1 = Math.min(HOURS, h0 + chunkHours);
    await pipeline(
      Readable.from(snapshotLines(channelIds, first.getTime(), h0, h1)),
      db.query(copyFrom(`COPY follower_snapshots (channel_id, taken_at, outcome, followers, source) FROM STDIN`)),
    );
  }
  const loadMs = Date.now() - t0;
  await db.query(`VACUUM ANALYZE follower_snapshots`);
  await db.query(`VACUUM ANALYZE follower_daily_points`);
  const rows = Number((await db.query(`SELECT count(*) FROM follower_snapshots`)).rows[0].count);
  console.log(`loaded ${rows} snapshots by COPY in ${loadMs} ms (daily points: ${(await db.query(`SELECT count(*) FROM follower_daily_points`)).rows[0].count})`);

  // 100,000 published deliveries: 20,000 posts × 5 channels of 5 partners, each post featuring 2 partners.
  const posts = DELIVERIES / 5;
  await db.query(
    `INSERT INTO posts (campaign_id, base_text, scheduled_at)
     SELECT $1, 'post ' || i, $2::timestamptz + (i % 1440) * interval '1 hour' FROM generate_series(1, $3) i`,
    [campaign.id, startsAt, posts],
  );
  await db.query(`CREATE TEMP TABLE post_seq AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM posts`);
  await db.query(`CREATE TEMP TABLE channel_seq AS SELECT id, partner_id, row_number() OVER (ORDER BY external_id) - 1 AS n FROM channels`);
  await db.query(
    `INSERT INTO deliveries (post_id, channel_id, status, post_version, approved_version, resolved_text, due_at, published_at)
     SELECT p.id, c.id, 'published', 1, 1, 'text', $1::timestamptz + (p.n % 1440) * interval '1 hour', $1::timestamptz + (p.n % 1440) * interval '1 hour'
       FROM post_seq p CROSS JOIN generate_series(0, 4) k
       JOIN channel_seq c ON c.n = (p.n * 7 + k * 101) % $2`,
    [startsAt, CHANNELS],
  );
  await db.query(
    `INSERT INTO post_featured_partners (post_id, partner_id)
     SELECT p.id, pa.id FROM post_seq p CROSS JOIN generate_series(0, 1) k
       JOIN partners pa ON pa.slug = 'p' || (1 + (p.n * 3 + k * 17) % $1)
     ON CONFLICT DO NOTHING`,
    [PARTNERS],
  );
  await db.query(`VACUUM ANALYZE posts`);
  await db.query(`VACUUM ANALYZE deliveries`);
  await db.query(`VACUUM ANALYZE post_featured_partners`);
  const deliveries = Number((await db.query(`SELECT count(*) FROM deliveries WHERE status = 'published'`)).rows[0].count);
  console.log(`inserted ${deliveries} published deliveries of ${posts} posts`);

  // Every post in one of the two tracks; 10 readings per delivery, ages spread over 28 days, in
  // slices of 10,000 deliveries (one statement each, as the reader's trigger would see them).
  // Mastodon and Bluesky channels give no views or reach; LinkedIn gives clicks: as the networks do.
  await db.query(`UPDATE posts p SET track_id = t.id FROM tracks t WHERE t.campaign_id = p.campaign_id AND (t.name = 'Retail') = (substr(p.base_text, 6)::int % 2 = 0)`);
  await db.query(`CREATE TEMP TABLE delivery_seq AS SELECT d.id, d.published_at, c.network, row_number() OVER (ORDER BY d.id) AS n FROM deliveries d JOIN channels c ON c.id = d.channel_id`);
  await db.query(`CREATE INDEX ON delivery_seq (n)`);
  const t1 = Date.now();
  for (let from = 1; from <= DELIVERIES; from += 10_000) {
    await db.query(
      `INSERT INTO post_metric_snapshots (delivery_id, taken_at, age, outcome, source, views, reach, likes, reposts, replies, quotes, link_clicks)
       SELECT d.id, d.published_at + k * interval '67 hours', (ARRAY['1h','24h','7d','28d','manual'])[1 + k % 5], 'ok', 'bench',
              CASE WHEN d.network IN ('mastodon', 'bluesky') THEN NULL ELSE 100 * k + d.n % 97 END,
              CASE WHEN d.network IN ('mastodon', 'bluesky', 'x') THEN NULL ELSE 60 * k + d.n % 53 END,
              k + d.n % 11, d.n % 3, d.n % 5,
              CASE WHEN d.network IN ('x', 'bluesky', 'mastodon') THEN d.n % 2 END,
              CASE WHEN d.network = 'linkedin' THEN d.n % 7 END
         FROM delivery_seq d CROSS JOIN generate_series(1, $3) k
        WHERE d.n >= $1 AND d.n < $2`,
      [from, from + 10_000, METRIC_SNAPSHOTS_PER_DELIVERY],
    );
  }
  const metricsLoadMs = Date.now() - t1;
  // Tracked links on one delivery in ten, each clicked on three days.
  await db.query(
    `INSERT INTO tracked_links (code, delivery_id, target_url)
     SELECT 'b' || lpad(d.n::text, 8, '0'), d.id, 'https://costo.example/' || d.n FROM delivery_seq d WHERE d.n % 10 = 0`,
  );
  await db.query(
    `INSERT INTO link_clicks (link_id, day, clicks)
     SELECT l.id, (l.created_at AT TIME ZONE 'Europe/Paris')::date - k, 1 + k FROM tracked_links l CROSS JOIN generate_series(0, 2) k`,
  );
  await db.query(`VACUUM ANALYZE tracked_links`);
  await db.query(`VACUUM ANALYZE link_clicks`);
  await db.query(`VACUUM ANALYZE post_metric_snapshots`);
  await db.query(`VACUUM ANALYZE post_metrics_latest`);
  await db.query(`VACUUM ANALYZE post_output_totals`);
  await db.query(`VACUUM ANALYZE posts`);
  const metricRows = Number((await db.query(`SELECT count(*) FROM post_metric_snapshots`)).rows[0].count);
  console.log(`inserted ${metricRows} per-post metric snapshots in ${metricsLoadMs} ms (latest figures: ${(await db.query(`SELECT count(*) FROM post_metrics_latest`)).rows[0].count})`);

  const windowParams = [campaign.id, startsAt, end];
  const indicators = await time(db, 'campaign indicators, 500 channels, baseline trend and lift', CHANNEL_INDICATORS_WITH_LIFT_SQL, windowParams);
  const rollup = await time(db, 'campaign indicators rolled up per partner, network, track, campaign', ROLLUP_INDICATORS_SQL, windowParams);
  const series = await time(db, "one channel's daily series over a year", DAILY_SERIES_SQL, [
    [channelIds[0]], new Date(end.getTime() - 365 * DAY), end, 'Europe/Paris',
  ]);
  const matrix = await time(db, 'reciprocity matrix over 100,000 deliveries', RECIPROCITY_PAIRS_SQL, [campaign.id, '-infinity', 'infinity'], RECIPROCITY_PLANNER_SETTING);

  const outputs = await time(db, 'output indicators per track over 100,000 deliveries', outputsSql('track'), windowParams);
  const topPosts = await time(db, 'top 10 posts by views', TOP_POSTS_SQL, [...windowParams, 10]);
  // What FunderReportService asks for: the follower indicators (IndicatorsService.forCampaign's
  // queries) and the output figures per track and for the campaign (OutputsService.forCampaign).
  const days = [startsAt.toISOString().slice(0, 10), end.toISOString().slice(0, 10)];
  const report = await timeReport(databaseUrl, [
    { sql: CHANNEL_INDICATORS_WITH_LIFT_SQL, params: windowParams },
    { sql: ROLLUP_INDICATORS_SQL, params: windowParams },
    { sql: CONVERSION_TOTALS_SQL, params: [campaign.id, ...days] },
    { sql: CLICK_TOTALS_SQL, params: [campaign.id, ...days] },
    { sql: outputsSql('track'), params: windowParams },
    { sql: outputsSql('campaign'), params: windowParams },
  ]);
  await time(db, 'reciprocal visibility (views) over 100,000 deliveries', RECIPROCAL_VIEWS_SQL, windowParams);
  const [totals] = (await db.query(outputsSql('campaign'), windowParams)).rows;
  console.log(`outputs: ${totals.deliveries} deliveries, ${totals.posts} posts, views ${totals.views} over ${totals.views_n} deliveries, engagements ${totals.engagements}, tracked clicks ${totals.tracked_clicks}`);

  // A sanity check that the figures are real: a steady channel's lift is ~0.
  const check = (await db.query(CHANNEL_INDICATORS_WITH_LIFT_SQL, windowParams)).rows;
  const withLift = check.filter((r) => r.lift !== null);
  console.log(`channels: ${check.length}, with lift: ${withLift.length}, max |lift| on the synthetic steady series: ${Math.max(...withLift.map((r) => Math.abs(Number(r.lift)))).toFixed(3)}`);
  await db.end();

  console.log(
    `BENCH ${JSON.stringify({
      name: 'indicators',
      indicatorsMs: indicators.medianMs,
      rollupMs: rollup.medianMs,
      seriesMs: series.medianMs,
      matrixMs: matrix.medianMs,
      outputMs: outputs.medianMs,
      topPostsMs: topPosts.medianMs,
      reportMs: report.medianMs,
      rows,
      deliveries,
      metricRows,
      loadMs,
    })}`,
  );
}

/** Every channel grows steadily at its own rate, with a small deterministic wobble; hours in order, channels within. */
function* snapshotLines(channelIds: string[], firstMs: number, h0: number, h1: number): Generator<string> {
  for (let h = h0; h < h1; h++) {
    const takenAt = new Date(firstMs + h * HOUR).toISOString();
    let chunk = '';
    for (let c = 0; c < channelIds.length; c++) {
      const followers = 1000 + c * 10 + Math.floor((h * (1 + (c % 13))) / 24) + ((h * 7 + c) % 5);
      chunk += `${channelIds[c]}\t${takenAt}\tcount\t${followers}\timport\n`;
    }
    yield chunk;
  }
}

/**
 * The funder report's data: its queries at once on a pool, as ReportService runs them (each on its
 * own connection); median of RUNS after one warm-up.
 */
async function timeReport(databaseUrl: string, queries: Array<{ sql: string; params: unknown[] }>): Promise<{ medianMs: number }> {
  const pool = new Pool({ connectionString: databaseUrl, max: queries.length });
  try {
    const once = () => Promise.all(queries.map((q) => pool.query(q.sql, q.params)));
    await once();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = process.hrtime.bigint();
      await once();
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const medianMs = Math.round(samples[Math.floor(RUNS / 2)] * 100) / 100;
    console.log(`funder report data (${queries.length} queries at once): median ${medianMs} ms of ${RUNS} (${samples.map((s) => s.toFixed(1)).join(', ')})`);
    return { medianMs };
  } finally {
    await pool.end();
  }
}

/**
 * Median of RUNS after one warm-up. `setting` (a SET LOCAL the API runs the query with) puts each
 * run in its own transaction, as the API does, and the timing includes those round trips.
 */
async function time(db: Client, label: string, sql: string, params: unknown[], setting?: string): Promise<{ medianMs: number }> {
  const query = async (text: string) => {
    if (!setting) return db.query(text, params);
    await db.query('BEGIN');
    try {
      await db.query(setting);
      return await db.query(text, params);
    } finally {
      await db.query('COMMIT');
    }
  };
  await query(sql); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await query(sql);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const medianMs = Math.round(samples[Math.floor(RUNS / 2)] * 100) / 100;
  const plan = (await query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'][0].Plan;
  console.log(`${label}: median ${medianMs} ms of ${RUNS} (${samples.map((s) => s.toFixed(1)).join(', ')})`);
  console.log(`  plan: ${scans(plan).join('; ')}`);
  return { medianMs };
}

/** The plan's table accesses: "Index Only Scan follower_snapshots_pkey on follower_snapshots", "Seq Scan on x"… */
function scans(node: Record<string, unknown>, out = new Set<string>()): string[] {
  const type = String(node['Node Type']);
  if (type.includes('Scan') && node['Relation Name']) {
    out.add(`${type}${node['Index Name'] ? ` ${node['Index Name']}` : ''} on ${node['Relation Name']}`);
  }
  for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) scans(child, out);
  return [...out];
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
