/**
 * `npm run bench` → bench/publish: the publishing pipeline (API-side PublishScheduler → Postgres →
 * BullMQ → worker process → Mastodon emulator over loopback) against a bare BullMQ baseline in
 * the same run, on two loads: a release (10,000 deliveries across 1,000 channels, all due at the
 * same instant) and a spread (10,000 due evenly over 60 s). Lateness = the emulator's creation
 * time minus the scheduled time. Last line: `BENCH {json}`.
 *
 * Both workers run as compiled JavaScript, as production runs `node dist/worker.js`, and so does
 * this bench (scripts/bench.sh compiles it into dist-bench/): under ts-node, Node's `repl` module is
 * loaded, which loads `domain`, which wraps every EventEmitter call of the process and would tax
 * the worker that emits the most, and the emulator served from this process.
 *
 * The machines are shared and noisy (the same run varies by ±30%), so each worker first gets one
 * uncounted warm-up release, then the release is run BENCH_RELEASE_RUNS times (default 3), ours and
 * the baseline alternating, and the median of each figure is reported beside every run's figures,
 * with the CPU time each process used per delivery (see Figures).
 *
 * Redis: delayed-job wake-up precision depends on Redis' `hz` (BullMQ's delayed set is checked
 * by the worker, but the blocking wake-up after a delay is bounded by Redis' timer resolution).
 * Unless BENCH_REDIS_URL is given, a private redis-server is started on a spare port with
 * `--hz ${BENCH_REDIS_HZ:-100}`, and dropped at the end.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CredentialCipher } from '../../src/channels/credentials/credential-cipher';
import { AuditModule } from '../../src/audit/audit.module';
import { ConfigModule } from '../../src/config/config.module';
import { dataSourceOptions } from '../../src/database/data-source';
import { DatabaseModule } from '../../src/database/database.module';
import { PipelineModule } from '../../src/queue/pipeline.module';
import { PublishScheduler } from '../../src/queue/publish-scheduler.service';
import { RedisModule } from '../../src/redis/redis.module';
import { MastodonEmulator } from '../../test/emulators/mastodon.emulator';
import { projectRoot } from '../project-root';

const ROOT = projectRoot(__dirname);
const N = Number(process.env.BENCH_DELIVERIES ?? 10_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1_000);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 60_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const HZ = Number(process.env.BENCH_REDIS_HZ ?? 100);
const LEAD_MS = 6_000;
const RELEASE_RUNS = Math.max(1, Number(process.env.BENCH_RELEASE_RUNS ?? 3));
/** While iterating: `BENCH_LOADS=release` runs one load, `BENCH_BASELINE=0` skips the baseline (their figures are then 0). */
const LOADS = new Set((process.env.BENCH_LOADS ?? 'release,spread').split(','));
const WITH_BASELINE = process.env.BENCH_BASELINE !== '0';
/** `BENCH_WARM_UP=0` skips the uncounted first release (see main). */
const WARM_UP = process.env.BENCH_WARM_UP !== '0';
/** `BENCH_VACUUM=0` skips the VACUUM before each load (see runPipeline). */
const VACUUM = process.env.BENCH_VACUUM !== '0';
/** Prints, after each load, the Redis commands it cost per delivery (INFO commandstats; it counts the commands BullMQ's scripts run, too). */
const REDIS_COMMANDS = process.env.BENCH_REDIS_COMMANDS === '1';
const NONE: Figures = { throughput: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, workerCpuUs: 0, emulatorCpuUs: 0, postgresCpuUs: 0, redisCpuUs: 0 };

/**
 * CPU time (user + system) per delivery, from the jobs' adding to the last publication:
 * `workerCpuUs` of the worker process, `emulatorCpuUs` of this process (it serves the emulator),
 * `postgresCpuUs` of the database's backends (0 when the server is not on this machine),
 * `redisCpuUs` of the Redis server. Steadier than throughput on a shared machine, and they say
 * where the time goes: on these 2-core machines every process of a release shares two cores.
 */
interface Figures { throughput: number; p50Ms: number; p99Ms: number; maxMs: number; workerCpuUs: number; emulatorCpuUs: number; postgresCpuUs: number; redisCpuUs: number }

@Module({ imports: [ConfigModule, DatabaseModule, RedisModule, AuditModule, PipelineModule] })
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
  const env: Record<string, string> = {
    DATABASE_URL: url.toString(),
    REDIS_URL: redis.url,
    REDIS_PREFIX: `chorus-bench-${runId}`,
    CHORUS_SECRET_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    MIGRATIONS_RUN: 'false',
    MEDIA_ALLOW_PRIVATE_HOSTS: 'true',
    OUTBOUND_ALLOW_PRIVATE_HOSTS: 'true',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    RECONCILE_INTERVAL_MS: '10000',
    // The pool follows WORKER_CONCURRENCY (src/database/data-source.ts) unless DATABASE_POOL_SIZE is given.
    ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
  };
  Object.assign(process.env, env);
  const ds = new DataSource(dataSourceOptions(env.DATABASE_URL));
  await ds.initialize();
  await ds.runMigrations();

  const emulator = await new MastodonEmulator({ accounts: [] }).start();
  emulator.maxRecordedRequests = 0;
  const tokens: string[] = [];
  for (let i = 0; i < CHANNELS; i++) {
    emulator.addAccount({ id: `b${i}`, username: `b${i}`, token: `tok${i}` });
    tokens.push(`tok${i}`);
  }
  const channelIds = await seedChannels(ds, env.CHORUS_SECRET_KEY, emulator.url);
  const producer = await NestFactory.createApplicationContext(ProducerModule, { logger: false, abortOnError: false });
  const scheduler = producer.get(PublishScheduler);

  let result: Record<string, unknown> = {};
  const children: ChildProcess[] = [];
  try {
    const hz = await redisHz(redis.url);
    console.log(`Redis hz ${hz} (${redis.private ? 'private redis-server started by the bench' : 'given REDIS_URL'}), concurrency ${CONCURRENCY}, ${N} deliveries, ${CHANNELS} channels`);
    // Measured on the 2-core machines: hz 10 → spread p99 ≈ 110 ms (blocked wake-ups land on a
    // 100 ms timer tick; baseline ≈ 100 ms), hz 100 → ≈ 40 ms. See the README benchmark section.
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

    // A first release runs on cold code (V8 has not optimised the hot paths yet, pools and caches
    // are empty) and measured 20–50% slower than the next ones, for both workers. A worker in
    // production publishes for days, so each worker gets one release first that is not counted.
    if (LOADS.has('release') && WARM_UP) {
      const w = await runPipeline(rig, scheduler, channelIds, worker.pid!, 'warmup', () => 0);
      const b = WITH_BASELINE ? await runBaseline(rig, queue, tokens, baseline.pid!, 'bwarmup', () => 0) : NONE;
      console.log(`warm-up release (not counted): ${fmt(w.throughput)}/s | baseline ${fmt(b.throughput)}/s`);
    }
    const releases: Figures[] = [];
    const releaseBaselines: Figures[] = [];
    for (let r = 1; LOADS.has('release') && r <= RELEASE_RUNS; r++) {
      releases.push(await runPipeline(rig, scheduler, channelIds, worker.pid!, `release${r}`, () => 0));
      if (WITH_BASELINE) releaseBaselines.push(await runBaseline(rig, queue, tokens, baseline.pid!, `brelease${r}`, () => 0));
      const b = releaseBaselines[r - 1] ?? NONE;
      const f = releases[r - 1];
      console.log(`release run ${r}: ${fmt(f.throughput)}/s p99 ${fmt(f.p99Ms)} ms, CPU per delivery: worker ${f.workerCpuUs} µs, Postgres ${f.postgresCpuUs} µs, Redis ${f.redisCpuUs} µs, emulator ${f.emulatorCpuUs} µs | baseline ${fmt(b.throughput)}/s p99 ${fmt(b.p99Ms)} ms, worker ${b.workerCpuUs} µs, Redis ${b.redisCpuUs} µs, emulator ${b.emulatorCpuUs} µs`);
    }
    const release = median(releases);
    const releaseBaseline = median(releaseBaselines);
    const spread = LOADS.has('spread') ? await runPipeline(rig, scheduler, channelIds, worker.pid!, 'spread', (i) => Math.floor((i * SPREAD_MS) / N)) : NONE;
    const spreadBaseline = WITH_BASELINE && LOADS.has('spread') ? await runBaseline(rig, queue, tokens, baseline.pid!, 'bspread', (i) => Math.floor((i * SPREAD_MS) / N)) : NONE;
    const workerPeakRssMb = peakRssMb(worker.pid!);
    const baselinePeakRssMb = peakRssMb(baseline.pid!);
    await Promise.all([stop(worker), stop(baseline)]);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    rig.redis.disconnect();

    const row = (name: string, f: Figures, b: Figures) =>
      console.log(`${name.padEnd(8)}  ${fmt(f.throughput)}/s  p50 ${fmt(f.p50Ms)} ms  p99 ${fmt(f.p99Ms)} ms  max ${fmt(f.maxMs)} ms  CPU/delivery worker ${f.workerCpuUs} µs, Postgres ${f.postgresCpuUs} µs   | baseline ${fmt(b.throughput)}/s  p50 ${fmt(b.p50Ms)}  p99 ${fmt(b.p99Ms)}  max ${fmt(b.maxMs)}  CPU/delivery worker ${b.workerCpuUs} µs`);
    row(RELEASE_RUNS > 1 ? `release (median of ${RELEASE_RUNS})` : 'release', release, releaseBaseline);
    row('spread', spread, spreadBaseline);
    console.log(`worker peak RSS ${fmt(workerPeakRssMb)} MB (baseline worker ${fmt(baselinePeakRssMb)} MB)`);
    // Every process shares the machine's cores, so on a release the throughput ratio follows this
    // one, which is steadier from run to run.
    const machine = (f: Figures) => f.workerCpuUs + f.postgresCpuUs + f.redisCpuUs + f.emulatorCpuUs;
    if (LOADS.has('release') && WITH_BASELINE) {
      console.log(`release CPU per delivery, every process: ${machine(release)} µs | baseline ${machine(releaseBaseline)} µs (${fmt(machine(release) / machine(releaseBaseline), 2)}×)`);
    }
    console.log(`release throughput ${fmt(release.throughput / releaseBaseline.throughput, 2)}× baseline (target ≥ 0.5), release p99 ${fmt(release.p99Ms / releaseBaseline.p99Ms, 2)}× baseline (target ≤ 2), spread p99 ${fmt(spread.p99Ms)} ms (target < 150)`);
    const strip = ({ maxMs: _m, ...f }: Figures) => ({ ...f, maxMs: _m });
    result = { name: 'publish', redisHz: hz, concurrency: CONCURRENCY, releaseRuns: RELEASE_RUNS, release: strip(release), releaseBaseline: strip(releaseBaseline), spread: strip(spread), spreadBaseline: strip(spreadBaseline), workerPeakRssMb };
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

async function seedChannels(ds: DataSource, key: string, instanceUrl: string): Promise<string[]> {
  const cipher = new CredentialCipher(key);
  const [partner] = await ds.query(`INSERT INTO partners (slug, name) VALUES ('bench', 'Bench') RETURNING id`);
  const ids = Array.from({ length: CHANNELS }, () => randomUUID());
  await ds.query(
    `INSERT INTO channels (id, partner_id, network, handle, external_id, instance_url, credentials_encrypted)
     SELECT id, $1, 'mastodon', '@b' || ord, 'b' || (ord - 1), $2, cred
       FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS t(id, cred, ord)`,
    [partner.id, instanceUrl, ids, ids.map((id, i) => cipher.encrypt(id, { accessToken: `tok${i}` }))],
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
  // The worker records a publication after its job has ended (DeliveryPublisher.publish), so the
  // last records may land just after the emulator has seen the last post: wait for them (not counted).
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
  return { throughput: Math.round((lateness.length / Math.max(1, last - first)) * 1000), p50Ms: q(0.5), p99Ms: q(0.99), maxMs: lateness[lateness.length - 1] };
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
