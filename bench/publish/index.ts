/**
 * `npm run bench -- publish` → the publishing pipeline (API-side PublishScheduler → Postgres →
 * BullMQ → worker process → Mastodon emulator over loopback), Chorus at its default settings,
 * against a bare BullMQ worker at the same concurrency, in the same run. Loads:
 * - peak: 10,000 deliveries on 10,000 channels due at one instant, the emulator answering each
 *   publication after a delay drawn uniformly from 200–800 ms, as real networks do;
 * - release: 10,000 deliveries on 1,000 channels due at one instant, no added latency (the
 *   median of BENCH_RELEASE_RUNS runs, after one uncounted warm-up release);
 * - spread: 10,000 due evenly over 60 s;
 * - horizon: 1,000,000 deliveries due uniformly over the next 365 days (COPY-loaded): the Redis
 *   memory they cost and the time of a promoter pass.
 * Lateness = the emulator's creation time minus the scheduled time. Last line: `BENCH {json}`.
 *
 * Both workers run as compiled JavaScript, as production runs `node dist/worker.js`, and so does
 * this bench (scripts/bench.sh compiles it into dist-bench/): under ts-node, Node's `domain`
 * module would wrap every EventEmitter call of the emulator served from this process.
 *
 * Unless BENCH_REDIS_URL is given, a private redis-server is started on a spare port with
 * `--hz ${BENCH_REDIS_HZ:-100}` (delayed jobs wake up on Redis' timer tick), and dropped at the end.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { CredentialCipher } from '../../src/channels/credentials/credential-cipher';
import { AuditModule } from '../../src/audit/audit.module';
import { ConfigModule } from '../../src/config/config.module';
import { dataSourceOptions } from '../../src/database/data-source';
import { DatabaseModule } from '../../src/database/database.module';
import { DeliveryRepository } from '../../src/campaigns/deliveries/delivery.repository';
import { Env } from '../../src/config/env';
import { PublishPromoter } from '../../src/queue/publish-promoter.service';
import type { RouteHandler } from '../../test/emulators/emulator';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { MetricsService } from '../../src/metrics/metrics.service';
import { PipelineModule } from '../../src/queue/pipeline.module';
import { PublishScheduler } from '../../src/queue/publish-scheduler.service';
import { RedisModule } from '../../src/redis/redis.module';
import { MastodonEmulator } from '../../test/emulators/mastodon.emulator';
import { projectRoot } from '../project-root';

const ROOT = projectRoot(__dirname);
const N = Number(process.env.BENCH_DELIVERIES ?? 10_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1_000);
/** The peak's channels: one delivery each. */
const PEAK_CHANNELS = Number(process.env.BENCH_PEAK_CHANNELS ?? N);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 60_000);
const HORIZON_DELIVERIES = Number(process.env.BENCH_HORIZON_DELIVERIES ?? 1_000_000);
const HORIZON_PASSES = 15;
/** Chorus at its default settings, unless BENCH_CONCURRENCY says otherwise; the baseline runs at the same. */
const DEFAULTS = new Env();
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? DEFAULTS.WORKER_CONCURRENCY);
/** What a real network takes to answer a publication, for the peak. */
const LATENCY_MS: [number, number] = [200, 800];
const HZ = Number(process.env.BENCH_REDIS_HZ ?? 100);
const LEAD_MS = 6_000;
const RELEASE_RUNS = Math.max(1, Number(process.env.BENCH_RELEASE_RUNS ?? 3));
/** While iterating: `BENCH_LOADS=release` runs one load, `BENCH_BASELINE=0` skips the baseline (their figures are then 0). */
const LOADS = new Set((process.env.BENCH_LOADS ?? 'peak,release,spread,horizon').split(','));
const WITH_BASELINE = process.env.BENCH_BASELINE !== '0';
/** `BENCH_WARM_UP=0` skips the uncounted first release (see main). */
const WARM_UP = process.env.BENCH_WARM_UP !== '0';
/** `BENCH_VACUUM=0` skips the VACUUM before each load (see runPipeline). */
const VACUUM = process.env.BENCH_VACUUM !== '0';
/** Prints, after each load, the Redis commands it cost per delivery (INFO commandstats; it counts the commands BullMQ's scripts run, too). */
const REDIS_COMMANDS = process.env.BENCH_REDIS_COMMANDS === '1';
const NONE: Figures = { throughput: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, lastMs: 0, workerCpuUs: 0, emulatorCpuUs: 0, postgresCpuUs: 0, redisCpuUs: 0 };

/**
 * CPU time (user + system) per delivery, from the jobs' adding to the last publication:
 * `workerCpuUs` of the worker process, `emulatorCpuUs` of this process (it serves the emulator),
 * `postgresCpuUs` of the database's backends (0 when the server is not on this machine),
 * `redisCpuUs` of the Redis server. Steadier than throughput on a shared machine, and they say
 * where the time goes: on these 2-core machines every process of a release shares two cores.
 */
interface Figures { throughput: number; p50Ms: number; p99Ms: number; maxMs: number; lastMs: number; workerCpuUs: number; emulatorCpuUs: number; postgresCpuUs: number; redisCpuUs: number }

/** The Mastodon emulator, answering each publication after `publishDelayMs()` (0 unless a load sets it). */
class LatentMastodonEmulator extends MastodonEmulator {
  publishDelayMs: () => number = () => 0;

  protected override route(method: string, routePath: string, handler: RouteHandler): void {
    if (method !== 'POST' || routePath !== '/api/v1/statuses') return super.route(method, routePath, handler);
    super.route(method, routePath, async (req, res) => {
      const ms = this.publishDelayMs();
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return handler(req, res);
    });
  }
}

@Module({ imports: [ConfigModule, DatabaseModule, RedisModule, AuditModule, MetricsModule, PipelineModule] })
class ProducerModule {}

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const redis = await startRedis(runId);
  // Also when setup fails before the try below: a leftover redis-server would hold the port, and the
  // next run would silently use it (with whatever hz it was started with).
  process.once('exit', () => redis.stop());
  const adminUrl = process.env.DATABASE_URL!;
  const dbName = `chorus_bench_${runId}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  // Chorus at its defaults: only what a deployment must give, plus what BENCH_* variables override.
  const env: Record<string, string> = {
    DATABASE_URL: url.toString(),
    REDIS_URL: redis.url,
    REDIS_PREFIX: `chorus-bench-${runId}`,
    CHORUS_SECRET_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    MIGRATIONS_RUN: 'false',
    MEDIA_ALLOW_PRIVATE_HOSTS: 'true',
    OUTBOUND_ALLOW_PRIVATE_HOSTS: 'true',
    ...(process.env.BENCH_CONCURRENCY ? { WORKER_CONCURRENCY: String(CONCURRENCY) } : {}),
    ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
  };
  Object.assign(process.env, env);
  const ds = new DataSource(dataSourceOptions(env.DATABASE_URL));
  await ds.initialize();
  await ds.runMigrations();

  const emulator = await new LatentMastodonEmulator({ accounts: [] }).start();
  emulator.maxRecordedRequests = 0;
  const releaseChannels = await seedChannels(ds, env.CHORUS_SECRET_KEY, emulator, 'b', CHANNELS);
  const peakChannels = LOADS.has('peak') ? await seedChannels(ds, env.CHORUS_SECRET_KEY, emulator, 'k', PEAK_CHANNELS) : null;
  const producer = await NestFactory.createApplicationContext(ProducerModule, { logger: false, abortOnError: false });
  const scheduler = producer.get(PublishScheduler);

  let result: Record<string, unknown> = {};
  const children: ChildProcess[] = [];
  try {
    const hz = await redisHz(redis.url);
    console.log(`Redis hz ${hz} (${redis.private ? 'private redis-server started by the bench' : 'given REDIS_URL'}), concurrency ${CONCURRENCY}${process.env.BENCH_CONCURRENCY ? ' (BENCH_CONCURRENCY)' : ' (the default)'}, ${N} deliveries, ${CHANNELS} channels`);
    console.log(`Delayed jobs wake up on Redis' timer tick: up to ~${Math.round(1000 / Number(hz))} ms late at hz ${hz}${Number(hz) < 100 ? ' (run Redis with --hz 100 for the spread target)' : ''}`);

    const workerJs = path.join(ROOT, 'dist', 'worker.js');
    if (!fs.existsSync(workerJs)) throw new Error(`${workerJs} is missing: run \`npx nest build\` first (npm run bench does)`);
    const worker = spawnChild([...shippedWorkerNodeFlags(), ...nodeArgsFrom('BENCH_WORKER_NODE_ARGS'), workerJs], env);
    children.push(worker);
    await started(worker);
    const baseline = spawnChild([...nodeArgsFrom('BENCH_BASELINE_NODE_ARGS'), baselineWorkerJs()], { ...env, BENCH_PREFIX: `${env.REDIS_PREFIX}:baseline`, BENCH_CONCURRENCY: String(CONCURRENCY) });
    children.push(baseline);
    await started(baseline);
    const [{ local }]: Array<{ local: boolean }> = await ds.query(`SELECT coalesce(host(inet_server_addr()) IN ('127.0.0.1', '::1'), true) AS local`);
    const rig: Rig = { ds, emulator, redis: new Redis(redis.url), localPostgres: local };
    const queue = new Queue('baseline', { connection: { url: redis.url, maxRetriesPerRequest: null } as never, prefix: `${env.REDIS_PREFIX}:baseline` });
    const releaseTokens = releaseChannels.map((_, i) => `b-tok${i}`);

    // A first release runs on cold code (V8 has not optimised the hot paths yet, pools and caches
    // are empty), for both workers. A worker in production publishes for days, so each worker gets
    // one release first that is not counted.
    if (WARM_UP) {
      const w = await runPipeline(rig, scheduler, releaseChannels, worker.pid!, 'warmup', () => 0);
      const b = WITH_BASELINE ? await runBaseline(rig, queue, releaseTokens, baseline.pid!, 'bwarmup', () => 0) : NONE;
      console.log(`warm-up release (not counted): ${fmt(w.throughput)}/s | baseline ${fmt(b.throughput)}/s`);
    }

    let peak = NONE;
    let peakBaseline = NONE;
    let workerPeakRssMb = 0;
    if (peakChannels) {
      emulator.publishDelayMs = () => LATENCY_MS[0] + Math.random() * (LATENCY_MS[1] - LATENCY_MS[0]);
      peak = await runPipeline(rig, scheduler, peakChannels, worker.pid!, 'peak', () => 0);
      workerPeakRssMb = peakRssMb(worker.pid!);
      if (WITH_BASELINE) peakBaseline = await runBaseline(rig, queue, peakChannels.map((_, i) => `k-tok${i}`), baseline.pid!, 'bpeak', () => 0);
      emulator.publishDelayMs = () => 0;
      console.log(`peak: last publication ${fmt(peak.lastMs)} ms after the minute, p99 ${fmt(peak.p99Ms)} ms, worker peak RSS ${fmt(workerPeakRssMb)} MB | baseline last ${fmt(peakBaseline.lastMs)} ms, p99 ${fmt(peakBaseline.p99Ms)} ms`);
    }

    const releases: Figures[] = [];
    const releaseBaselines: Figures[] = [];
    for (let r = 1; LOADS.has('release') && r <= RELEASE_RUNS; r++) {
      releases.push(await runPipeline(rig, scheduler, releaseChannels, worker.pid!, `release${r}`, () => 0));
      if (WITH_BASELINE) releaseBaselines.push(await runBaseline(rig, queue, releaseTokens, baseline.pid!, `brelease${r}`, () => 0));
      const b = releaseBaselines[r - 1] ?? NONE;
      const f = releases[r - 1];
      console.log(`release run ${r}: ${fmt(f.throughput)}/s p99 ${fmt(f.p99Ms)} ms, CPU per delivery: worker ${f.workerCpuUs} µs, Postgres ${f.postgresCpuUs} µs, Redis ${f.redisCpuUs} µs, emulator ${f.emulatorCpuUs} µs | baseline ${fmt(b.throughput)}/s p99 ${fmt(b.p99Ms)} ms, worker ${b.workerCpuUs} µs, Redis ${b.redisCpuUs} µs, emulator ${b.emulatorCpuUs} µs`);
    }
    const release = median(releases);
    const releaseBaseline = median(releaseBaselines);
    const spread = LOADS.has('spread') ? await runPipeline(rig, scheduler, releaseChannels, worker.pid!, 'spread', (i) => Math.floor((i * SPREAD_MS) / N)) : NONE;
    const spreadBaseline = WITH_BASELINE && LOADS.has('spread') ? await runBaseline(rig, queue, releaseTokens, baseline.pid!, 'bspread', (i) => Math.floor((i * SPREAD_MS) / N)) : NONE;
    if (!peakChannels) workerPeakRssMb = peakRssMb(worker.pid!);
    await Promise.all([stop(worker), stop(baseline)]);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();

    const horizon = LOADS.has('horizon') ? await runHorizon(rig, producer, env, releaseChannels) : { redisMb: 0, promoteMs: 0 };
    rig.redis.disconnect();

    const row = (name: string, f: Figures, b: Figures) =>
      console.log(`${name.padEnd(8)}  ${fmt(f.throughput)}/s  p50 ${fmt(f.p50Ms)} ms  p99 ${fmt(f.p99Ms)} ms  last ${fmt(f.lastMs)} ms  CPU/delivery worker ${f.workerCpuUs} µs, Postgres ${f.postgresCpuUs} µs   | baseline ${fmt(b.throughput)}/s  p50 ${fmt(b.p50Ms)}  p99 ${fmt(b.p99Ms)}  last ${fmt(b.lastMs)}  CPU/delivery worker ${b.workerCpuUs} µs`);
    row('peak', peak, peakBaseline);
    row(RELEASE_RUNS > 1 ? `release (median of ${RELEASE_RUNS})` : 'release', release, releaseBaseline);
    row('spread', spread, spreadBaseline);
    console.log(`horizon: ${HORIZON_DELIVERIES} deliveries over 365 days cost Redis ${fmt(horizon.redisMb, 1)} MB; a promoter pass takes ${fmt(horizon.promoteMs, 1)} ms (median of ${HORIZON_PASSES})`);
    const ratio = (a: number, b: number) => (b > 0 ? fmt(a / b, 2) : 'n/a');
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log('Targets (a shared 2-core machine: figures are noisy):');
    console.log(`  peak.lastMs ${fmt(peak.lastMs)} ms: ≤ 20,000 ${verdict(peak.lastMs <= 20_000)}; ${ratio(peak.lastMs, peakBaseline.lastMs)}× baseline's ${fmt(peakBaseline.lastMs)} ms, ≤ 1.3 ${verdict(peak.lastMs <= 1.3 * peakBaseline.lastMs)}`);
    console.log(`  peak.p99Ms ${fmt(peak.p99Ms)} ms (${ratio(peak.p99Ms, peakBaseline.p99Ms)}× baseline's ${fmt(peakBaseline.p99Ms)} ms); worker peak RSS ${fmt(workerPeakRssMb)} MB at concurrency ${CONCURRENCY}`);
    console.log(`  release.throughput ${fmt(release.throughput)}/s: ${ratio(release.throughput, releaseBaseline.throughput)}× baseline's ${fmt(releaseBaseline.throughput)}/s, ≥ 0.25 ${verdict(release.throughput >= 0.25 * releaseBaseline.throughput)}`);
    console.log(`  spread.p99Ms ${fmt(spread.p99Ms)} ms: < 150 ${verdict(spread.p99Ms < 150)}`);
    console.log(`  horizon.redisMb ${fmt(horizon.redisMb, 1)} MB: ≤ 50 ${verdict(horizon.redisMb <= 50)}; horizon.promoteMs ${fmt(horizon.promoteMs, 1)} ms: ≤ 100 ${verdict(horizon.promoteMs <= 100)}`);
    const strip = ({ maxMs: _m, ...f }: Figures) => ({ ...f, maxMs: _m });
    result = {
      name: 'publish',
      redisHz: hz,
      concurrency: CONCURRENCY,
      releaseRuns: RELEASE_RUNS,
      peak: { lastMs: peak.lastMs, p99Ms: peak.p99Ms, workerPeakRssMb },
      peakBaseline: { lastMs: peakBaseline.lastMs, p99Ms: peakBaseline.p99Ms },
      release: strip(release),
      releaseBaseline: strip(releaseBaseline),
      spread: strip(spread),
      spreadBaseline: strip(spreadBaseline),
      horizon,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await producer.close();
    await emulator.close();
    await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    redis.stop();
  }
  console.log(`BENCH ${JSON.stringify(result)}`);
}

/**
 * 1,000,000 approved deliveries due uniformly over the next 365 days, COPY-loaded onto the
 * release's channels, with no worker running: the Redis memory of the run's prefix after the
 * promoter's passes minus before, and the median time of a promoter pass (the first adds the jobs
 * of the next hour, the next ones find nothing new: what every worker does on every tick).
 */
async function runHorizon(rig: Rig, producer: INestApplicationContext, env: Record<string, string>, channelIds: string[]): Promise<{ redisMb: number; promoteMs: number }> {
  const { ds } = rig;
  const before = await prefixMemoryBytes(rig.redis, env.REDIS_PREFIX);
  const [campaign] = await ds.query(
    `INSERT INTO campaigns (slug, name, time_zone, starts_at, ends_at, baseline_starts_at, baseline_ends_at)
     VALUES ('bench-horizon', 'Bench', 'UTC', now() - interval '1 day', now() + interval '400 days', now() - interval '3 days', now() - interval '2 days') RETURNING id`,
  );
  const postCount = Math.ceil(HORIZON_DELIVERIES / channelIds.length);
  const posts: Array<{ id: string }> = await ds.query(
    `INSERT INTO posts (campaign_id, base_text, scheduled_at, version, submitted_at)
     SELECT $1, 'horizon ' || g, now() + interval '1 day', 1, now() FROM generate_series(1, $2::int) g RETURNING id`,
    [campaign.id, postCount],
  );
  const startedAt = Date.now();
  const year = 365 * 24 * 3_600_000;
  async function* rows(): AsyncGenerator<string> {
    let n = 0;
    for (const post of posts) {
      const lines: string[] = [];
      for (let c = 0; c < channelIds.length && n < HORIZON_DELIVERIES; c++, n++) {
        lines.push(`${post.id}\t${channelIds[c]}\tapproved\t1\t1\thorizon ${n}\t${new Date(startedAt + Math.random() * year).toISOString()}\n`);
      }
      yield lines.join('');
    }
  }
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    await pipeline(Readable.from(rows()), client.query(copyFrom(`COPY deliveries (post_id, channel_id, status, post_version, approved_version, resolved_text, due_at) FROM STDIN`)));
  } finally {
    await client.end();
  }
  if (VACUUM) await ds.query('VACUUM (ANALYZE) deliveries');
  console.log(`horizon: ${HORIZON_DELIVERIES} deliveries COPY-loaded in ${fmt((Date.now() - startedAt) / 1000, 1)} s`);

  const promoter = new PublishPromoter(producer.get(DeliveryRepository), producer.get(PublishScheduler), new SchedulerRegistry(), DEFAULTS, producer.get(MetricsService));
  const passes: number[] = [];
  let added = 0;
  for (let i = 0; i < HORIZON_PASSES; i++) {
    const t = process.hrtime.bigint();
    added += await promoter.promote();
    passes.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const after = await prefixMemoryBytes(rig.redis, env.REDIS_PREFIX);
  passes.sort((a, b) => a - b);
  console.log(`horizon: the promoter added ${added} jobs (the next ${DEFAULTS.PUBLISH_HORIZON_MINUTES} min); passes ${passes.map((ms) => fmt(ms, 1)).join(', ')} ms`);
  return { redisMb: Math.round(((after - before) / 1_048_576) * 10) / 10, promoteMs: Math.round(passes[Math.floor(passes.length / 2)] * 10) / 10 };
}

/** The memory Redis attributes to every key under `prefix` (SCAN, then MEMORY USAGE of each). */
async function prefixMemoryBytes(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) {
      const p = redis.pipeline();
      for (const k of keys) p.memory('USAGE', k);
      for (const [err, bytes] of (await p.exec()) ?? []) if (!err) total += Number(bytes ?? 0);
    }
  } while (cursor !== '0');
  return total;
}

/** `count` Mastodon channels of one partner, each an account of the emulator (`${tag}${i}`, token `${tag}-tok${i}`). */
async function seedChannels(ds: DataSource, key: string, emulator: MastodonEmulator, tag: string, count: number): Promise<string[]> {
  const cipher = new CredentialCipher(key);
  for (let i = 0; i < count; i++) emulator.addAccount({ id: `${tag}${i}`, username: `${tag}${i}`, token: `${tag}-tok${i}` });
  const [partner] = await ds.query(`INSERT INTO partners (slug, name) VALUES ($1, 'Bench') RETURNING id`, [`bench-${tag}`]);
  const ids = Array.from({ length: count }, () => randomUUID());
  await ds.query(
    `INSERT INTO channels (id, partner_id, network, handle, external_id, instance_url, credentials_encrypted)
     SELECT id, $1, 'mastodon', '@' || $5 || (ord - 1), $5 || (ord - 1), $2, cred
       FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS t(id, cred, ord)`,
    [partner.id, emulator.url, ids, ids.map((id, i) => cipher.encrypt(id, { accessToken: `${tag}-tok${i}` })), tag],
  );
  return ids;
}

/** What every load reads and measures through: the bench's database, the emulator, and a Redis connection for the server's figures. */
interface Rig {
  ds: DataSource;
  emulator: MastodonEmulator;
  redis: Redis;
  /** The PostgreSQL server runs on this machine, so its backends' CPU time can be read from /proc. */
  localPostgres: boolean;
}

async function runPipeline(
  rig: Rig, scheduler: PublishScheduler, channelIds: string[], workerPid: number, tag: string, offsetMs: (i: number) => number,
): Promise<Figures> {
  const { ds, emulator } = rig;
  const [campaign] = await ds.query(
    `INSERT INTO campaigns (slug, name, time_zone, starts_at, ends_at, baseline_starts_at, baseline_ends_at)
     VALUES ($1, 'Bench', 'UTC', now() - interval '1 day', now() + interval '1 day', now() - interval '3 days', now() - interval '2 days') RETURNING id`,
    [`bench-${tag}`],
  );
  const t0 = Date.now() + LEAD_MS;
  const postsPerChannel = Math.ceil(N / channelIds.length);
  const deliveryIds: string[] = [];
  const due = new Map<string, number>();
  let i = 0;
  for (let p = 0; p < postsPerChannel && i < N; p++) {
    const [post] = await ds.query(
      `INSERT INTO posts (campaign_id, base_text, scheduled_at, version, submitted_at) VALUES ($1, $2, $3, 1, now()) RETURNING id`,
      [campaign.id, `${tag} ${p}`, new Date(t0)],
    );
    const chans = channelIds.slice(0, Math.min(channelIds.length, N - i));
    // Channel-major order of due times inside a post keeps a channel's deliveries apart in the spread.
    const dues = chans.map((_, c) => t0 + offsetMs(c * postsPerChannel + p));
    const texts = chans.map((_, c) => `${tag} ${p} ${c}`);
    const rows: Array<{ id: string }> = await ds.query(
      `INSERT INTO deliveries (post_id, channel_id, status, post_version, approved_version, resolved_text, due_at)
       SELECT $1, ch, 'approved', 1, 1, txt, to_timestamp(d / 1000.0) FROM unnest($2::uuid[], $3::text[], $4::float8[]) AS t(ch, txt, d)
       RETURNING id`,
      [post.id, chans, texts, dues],
    );
    rows.forEach((r) => deliveryIds.push(r.id));
    texts.forEach((t, k) => due.set(t, dues[k]));
    i += chans.length;
  }
  // What autovacuum does on a server left at its defaults, in the minutes between a post's approval
  // and its minute: the earlier loads' dead row versions are cleared and the statistics are fresh.
  // The machines this bench runs on share a PostgreSQL server with autovacuum turned off, so
  // without this each load would pay for every row version the earlier loads left behind (measured
  // in FINDINGS.md beside this file). Not counted: it runs before the jobs are added.
  if (VACUUM) await ds.query('VACUUM (ANALYZE)');
  const from = emulator.posts.length;
  await scheduler.enqueue(deliveryIds);
  const used = await untilAllPosted(rig, workerPid, tag, from);
  // A record lands just after the network's answer: wait for the last ones (not counted).
  const recorded = await publishedCount(ds, deliveryIds);
  const posts = countTagged(emulator, tag, 0);
  if (recorded !== N || posts !== N) throw new Error(`${tag}: expected exactly ${N} publications, got ${recorded} published rows and ${posts} posts`);
  return { ...figures(emulator, tag, due, from), ...used };
}

async function runBaseline(rig: Rig, queue: Queue, tokens: string[], workerPid: number, tag: string, offsetMs: (i: number) => number): Promise<Figures> {
  const { emulator } = rig;
  const t0 = Date.now() + LEAD_MS;
  const due = new Map<string, number>();
  const jobs = Array.from({ length: N }, (_, i) => {
    const c = i % tokens.length;
    const text = `${tag} ${i}`;
    const at = t0 + offsetMs(i);
    due.set(text, at);
    return { at, job: { name: 'post', data: { url: emulator.url, token: tokens[c], text }, opts: { jobId: `${tag}.${i}`, removeOnComplete: true } } };
  });
  const from = emulator.posts.length;
  // The delay is taken when each batch is added (as PublishScheduler does): computed all up front,
  // the later batches' jobs would fire late by the time the earlier batches took to add.
  for (let k = 0; k < jobs.length; k += 1000) {
    await queue.addBulk(jobs.slice(k, k + 1000).map(({ at, job }) => ({ ...job, opts: { ...job.opts, delay: Math.max(0, at - Date.now()) } })));
  }
  const used = await untilAllPosted(rig, workerPid, tag, from);
  return { ...figures(emulator, tag, due, from), ...used };
}

/** How many of `deliveryIds` are `published`, once that count reaches N or has stopped changing for 5 s. */
async function publishedCount(ds: DataSource, deliveryIds: string[]): Promise<number> {
  let count = -1;
  let changedAt = Date.now();
  for (;;) {
    const [{ n }]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1) AND status = 'published'`, [deliveryIds]);
    if (n !== count) [count, changedAt] = [n, Date.now()];
    if (count >= N || Date.now() - changedAt > 5_000) return count;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the emulator holds the load's N posts (from index `from` on): the CPU each process used meanwhile. */
async function untilAllPosted(rig: Rig, workerPid: number, tag: string, from: number): Promise<CpuFigures> {
  const commands = REDIS_COMMANDS ? await redisCommandMeter(rig.redis) : null;
  const cpu = await cpuMeter(workerPid, rig);
  const seen = tagCounter(rig.emulator, tag, from);
  await waitUntil(() => seen() >= N, 10 * 60_000);
  const used = await cpu();
  if (commands) console.log(`${tag}: Redis commands per delivery: ${await commands()}`);
  return used;
}

type CpuFigures = Pick<Figures, 'workerCpuUs' | 'emulatorCpuUs' | 'postgresCpuUs' | 'redisCpuUs'>;

/**
 * Starts counting the CPU time of the worker `pid`, of this process, of the PostgreSQL backends
 * serving the bench's database (when the server runs on this machine, as scripts/services.sh's do)
 * and of the Redis server.
 * Backends that start during the run count from zero; one that ends during it is not counted.
 * The returned function stops and answers µs per delivery.
 */
async function cpuMeter(pid: number, { ds, redis, localPostgres }: Rig): Promise<() => Promise<CpuFigures>> {
  const backends = async () => {
    if (!localPostgres) return new Map<number, number>();
    const rows: Array<{ pid: number }> = await ds.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    return new Map(rows.map((r) => [r.pid, processCpuUs(r.pid)]));
  };
  const worker0 = processCpuUs(pid);
  const bench0 = process.cpuUsage();
  const postgres0 = await backends();
  const redis0 = await redisCpuUs(redis);
  return async () => {
    const bench = process.cpuUsage(bench0);
    const worker = processCpuUs(pid) - worker0;
    let postgres = 0;
    for (const [backend, us] of await backends()) postgres += us - (postgres0.get(backend) ?? 0);
    const redisUs = (await redisCpuUs(redis)) - redis0;
    return {
      workerCpuUs: Math.round(worker / N),
      emulatorCpuUs: Math.round((bench.user + bench.system) / N),
      postgresCpuUs: Math.round(postgres / N),
      redisCpuUs: Math.round(redisUs / N),
    };
  };
}

/** The Redis server's own CPU time so far (INFO cpu), in µs: the whole server's, exact when it is the bench's private one. */
async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1e6;
}

/**
 * Starts counting the Redis server's commands (INFO commandstats, which counts those BullMQ's
 * scripts run too). The returned function stops and answers each command's calls per delivery,
 * most called first, as one line.
 */
async function redisCommandMeter(redis: Redis): Promise<() => Promise<string>> {
  const calls = async () => {
    const counts = new Map<string, number>();
    for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(m[1], Number(m[2]));
    return counts;
  };
  const before = await calls();
  return async () =>
    [...(await calls())]
      .map(([name, n]) => [name, (n - (before.get(name) ?? 0)) / N] as const)
      .filter(([, perDelivery]) => perDelivery >= 0.01)
      .sort((a, b) => b[1] - a[1])
      .map(([name, perDelivery]) => `${name} ${perDelivery.toFixed(2)}`)
      .join(', ');
}

/** User + system CPU time of a process so far, in µs (Linux /proc; clock ticks of 1/100 s, USER_HZ). */
function processCpuUs(pid: number): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0; // it ended (a backend whose connection closed)
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Posts of this load among the emulator's posts from index `from` on. */
function countTagged(emulator: MastodonEmulator, tag: string, from: number): number {
  let n = 0;
  for (let i = from; i < emulator.posts.length; i++) if (emulator.posts[i].text.startsWith(`${tag} `)) n++;
  return n;
}

/**
 * What the bench polls while a load runs: the count of this load's posts, reading only the posts
 * that arrived since the last call (rescanning the load's own posts on every poll would tax the
 * emulator's process more the longer a load takes).
 */
function tagCounter(emulator: MastodonEmulator, tag: string, from: number): () => number {
  let n = 0;
  let next = from;
  return () => {
    n += countTagged(emulator, tag, next);
    next = emulator.posts.length;
    return n;
  };
}

function figures(emulator: MastodonEmulator, tag: string, due: Map<string, number>, from: number): Omit<Figures, keyof CpuFigures> {
  const lateness: number[] = [];
  let first = Infinity;
  let last = 0;
  for (const p of emulator.posts.slice(from)) {
    const at = due.get(p.text);
    if (at === undefined) continue;
    lateness.push(p.createdAt.getTime() - at);
    first = Math.min(first, at);
    last = Math.max(last, p.createdAt.getTime());
  }
  lateness.sort((a, b) => a - b);
  const q = (f: number) => lateness[Math.min(lateness.length - 1, Math.floor(f * lateness.length))];
  return {
    throughput: Math.round((lateness.length / Math.max(1, last - first)) * 1000),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: lateness[lateness.length - 1],
    // The last publication after the load's last minute (for a peak, after its one minute).
    lastMs: last - Math.max(...due.values()),
  };
}

/** The node flags of `npm run start:worker` (package.json), so the bench runs the worker as it is shipped. */
function shippedWorkerNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts['start:worker'].split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Each figure's median over the runs (the runs' figures are printed too). */
function median(runs: Figures[]): Figures {
  if (runs.length === 0) return NONE;
  const mid = (k: keyof Figures) => {
    const v = runs.map((r) => r[k]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2);
  };
  return Object.fromEntries((Object.keys(NONE) as Array<keyof Figures>).map((k) => [k, mid(k)])) as unknown as Figures;
}

/** The baseline worker, compiled beside this file by scripts/bench.sh (tsconfig.bench.json). */
function baselineWorkerJs(): string {
  const compiled = path.join(__dirname, 'baseline-worker.js');
  if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: the bench runs compiled (npm run bench, or npx tsc -p tsconfig.bench.json then node dist-bench/bench/publish/index.js)`);
  return compiled;
}

/**
 * Node flags from an environment variable, e.g. BENCH_WORKER_NODE_ARGS=--cpu-prof for our worker
 * and BENCH_BASELINE_NODE_ARGS for the baseline's (profiling them; NODE_OPTIONS refuses such flags).
 */
function nodeArgsFrom(variable: string): string[] {
  return (process.env[variable] ?? '').split(' ').filter(Boolean);
}

/** `args`: node flags, then the compiled script. */
function spawnChild(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** SIGTERM, and a few seconds to shut down cleanly (the finally block SIGKILLs what is left). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (/started/.test(d.toString())) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function redisHz(url: string): Promise<string> {
  const r = new Redis(url);
  const [, hz] = (await r.config('GET', 'hz')) as [string, string];
  r.disconnect();
  return hz;
}

async function startRedis(runId: string): Promise<{ url: string; private: boolean; stop: () => void }> {
  if (process.env.BENCH_REDIS_URL) return { url: process.env.BENCH_REDIS_URL, private: false, stop: () => undefined };
  const port = Number(process.env.BENCH_REDIS_PORT ?? 56391);
  const dir = path.join(ROOT, '.services', `bench-redis-${runId}`);
  fs.mkdirSync(dir, { recursive: true });
  const pidfile = path.join(dir, 'redis.pid');
  execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no',
    '--hz', String(HZ), '--dir', dir, '--pidfile', pidfile, '--logfile', path.join(dir, 'redis.log')]);
  for (let i = 0; i < 50 && !fs.existsSync(pidfile); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url: `redis://127.0.0.1:${port}`,
    private: true,
    stop: () => {
      try {
        process.kill(Number(fs.readFileSync(pidfile, 'utf8')), 'SIGTERM');
      } catch { /* already gone */ }
      // redis-server may still be writing its log as it stops; a leftover folder under .services is harmless.
      try {
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch { /* left for the next run */ }
    },
  };
}

function fmt(n: number, digits = 0): string {
  return n.toFixed(digits);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
