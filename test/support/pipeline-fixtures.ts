import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source';
import { ChannelCredentials } from '../../src/channels/adapters/network-adapter';
import { CredentialCipher } from '../../src/channels/credentials/credential-cipher';
import { Network } from '../../src/channels/network';
import { WorkerModule } from '../../src/worker.module';
import { deleteKeys } from './global-teardown';
import { uniqueSlug } from './builders';
import { createTestApp, TestApp } from './test-app';

/**
 * Test setup for the publishing pipeline: partners, channels (with encrypted credentials),
 * campaigns and approved deliveries written with SQL — approval by SQL is setup, the pipeline
 * under test starts at PublishScheduler.enqueue — plus helpers to run workers in-process or as
 * child processes that a test can SIGKILL.
 */

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Each file that runs workers gets its own Redis prefix (under the run's, so global teardown still
 * cleans it) and its own database (named after the run's, dropped by global teardown): the
 * Redis-loss test deletes its queue keys without touching other files' queues, and one file's
 * reconciler never picks up another file's deliveries (which would publish them through adapters
 * pointed at the other file's emulators). Call before any app is created (top of the file, or first
 * thing in its describe); sets the env for child-process workers too.
 */
export function usePrivateRedisPrefix(env: Record<string, string> = {}): { prefix: string } {
  const suffix = randomBytes(3).toString('hex');
  const prefix = `${process.env.REDIS_PREFIX}:pipe-${suffix}`;
  process.env.REDIS_PREFIX = prefix;
  beforeAll(async () => {
    process.env.DATABASE_URL = await createFileDatabase(`${process.env.CHORUS_TEST_DATABASE_NAME}_f${suffix}`);
  });
  // Timeouts leave room for a loaded 2-core CI machine (browser tests run beside these): a network call
  // cut short by load would otherwise be retried until it counts as failed.
  // A lost answer is looked for again after PUBLISH_RECHECK_MS: short here, since no emulator applies
  // a request late unless a test injects applied_after_timeout (and then sets its own).
  Object.assign(process.env, { RECONCILE_INTERVAL_MS: '1000', PUBLISH_LEASE_MS: '10000', NETWORK_TIMEOUT_MS: '4000', PUBLISH_RECHECK_MS: '2000', ...env });
  return { prefix };
}

/** A fresh database with every migration applied, on the run's server; returns its URL. */
async function createFileDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: process.env.CHORUS_TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(process.env.CHORUS_TEST_ADMIN_DATABASE_URL!);
  url.pathname = `/${name}`;
  const ds = new DataSource(dataSourceOptions(url.toString()));
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
  return url.toString();
}

export async function deleteQueueKeys(prefix: string): Promise<number> {
  return deleteKeys(process.env.REDIS_URL!, `${prefix}:bull:*`);
}

export interface ChannelSpec {
  network: Network;
  externalId: string;
  handle?: string;
  instanceUrl?: string | null;
  credentials?: ChannelCredentials;
  status?: 'active' | 'paused' | 'needs_reauth';
}

export class PipelineFixtures {
  private readonly cipher = new CredentialCipher(process.env.CHORUS_SECRET_KEY!);

  constructor(private readonly db: DataSource) {}

  async partner(): Promise<string> {
    const [row] = await this.db.query(`INSERT INTO partners (slug, name) VALUES ($1, 'Pipeline partner') RETURNING id`, [uniqueSlug('pp')]);
    return row.id;
  }

  async channels(partnerId: string, specs: ChannelSpec[]): Promise<string[]> {
    const ids: string[] = [];
    for (const s of specs) {
      const id = randomUUID();
      await this.db.query(
        `INSERT INTO channels (id, partner_id, network, handle, external_id, instance_url, credentials_encrypted, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, partnerId, s.network, s.handle ?? s.externalId, s.externalId, s.instanceUrl ?? null,
          s.credentials ? this.cipher.encrypt(id, s.credentials) : null, s.status ?? 'active'],
      );
      ids.push(id);
    }
    return ids;
  }

  /**
   * `n` active Mastodon channels named after `tag`, on an instance nobody listens on: for tests
   * that move deliveries through DeliveryRepository without a worker or a network.
   */
  async unreachableMastodonChannels(partnerId: string, tag: string, n: number): Promise<string[]> {
    return this.channels(
      partnerId,
      Array.from({ length: n }, (_, i) => ({ network: 'mastodon' as const, externalId: `${tag}-${i}`, handle: `@${tag}${i}`, instanceUrl: 'http://127.0.0.1:9', credentials: { accessToken: 't' } })),
    );
  }

  async campaign(): Promise<string> {
    const [row] = await this.db.query(
      `INSERT INTO campaigns (slug, name, time_zone, starts_at, ends_at, baseline_starts_at, baseline_ends_at)
       VALUES ($1, 'Pipeline campaign', 'Europe/Paris', now() - interval '1 day', now() + interval '30 days',
               now() - interval '30 days', now() - interval '1 day') RETURNING id`,
      [uniqueSlug('pc')],
    );
    return row.id;
  }

  /**
   * `posts` submitted posts, each with one delivery per channel, approved at version 1 (unless
   * `approved` is false), due at `dueAt`. Texts are unique per delivery: `${tag} p<post> c<channel>`.
   */
  async release(options: {
    campaignId: string;
    channelIds: string[];
    posts: number;
    dueAt: Date;
    tag: string;
    approved?: boolean;
    link?: string | null;
    media?: Array<{ url: string; type: 'image' | 'video'; altText?: string }>;
  }): Promise<{ postIds: string[]; deliveryIds: string[]; texts: Map<string, string> }> {
    const postIds: string[] = [];
    const deliveryIds: string[] = [];
    const texts = new Map<string, string>();
    const approved = options.approved ?? true;
    for (let p = 0; p < options.posts; p++) {
      const [post] = await this.db.query(
        `INSERT INTO posts (campaign_id, base_text, link, media, scheduled_at, version, submitted_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, 1, now()) RETURNING id`,
        [options.campaignId, `${options.tag} p${p}`, options.link ?? null, JSON.stringify(options.media ?? []), options.dueAt],
      );
      postIds.push(post.id);
      const channelTexts = options.channelIds.map((_, c) => `${options.tag} p${p} c${c}`);
      const rows: Array<{ id: string; resolved_text: string }> = await this.db.query(
        `INSERT INTO deliveries (post_id, channel_id, status, post_version, approved_version, resolved_text, due_at)
         SELECT $1, ch, $4, 1, $5, txt, $6 FROM unnest($2::uuid[], $3::text[]) AS t(ch, txt)
         RETURNING id, resolved_text`,
        [post.id, options.channelIds, channelTexts, approved ? 'approved' : 'pending_approval', approved ? 1 : null, options.dueAt],
      );
      for (const r of rows) {
        deliveryIds.push(r.id);
        texts.set(r.id, r.resolved_text);
      }
    }
    return { postIds, deliveryIds, texts };
  }

  async statuses(deliveryIds: string[]): Promise<Record<string, number>> {
    const rows: Array<{ status: string; n: number }> = await this.db.query(
      `SELECT status, count(*)::int AS n FROM deliveries WHERE id = ANY($1::uuid[]) GROUP BY status`,
      [deliveryIds],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async credentials(channelId: string): Promise<ChannelCredentials> {
    const [row] = await this.db.query(`SELECT credentials_encrypted FROM channels WHERE id = $1`, [channelId]);
    return this.cipher.decrypt(channelId, row.credentials_encrypted);
  }

  async delivery(id: string): Promise<Record<string, any>> {
    const [row] = await this.db.query(`SELECT * FROM deliveries WHERE id = $1`, [id]);
    return row;
  }
}

/** What useWorldWithoutWorker gives a test file, once its beforeAll has run. */
export interface WorldWithoutWorker {
  api: TestApp;
  db: DataSource;
  fixtures: PipelineFixtures;
  campaignId: string;
  partnerId: string;
}

/**
 * The API app, fixtures, one campaign and one partner, and no worker: for files that move
 * deliveries through DeliveryRepository themselves, which a worker's reconciler would race.
 * Registers the file's beforeAll and afterAll (call it inside the describe, after
 * usePrivateRedisPrefix); the fields are set once beforeAll has run.
 */
export function useWorldWithoutWorker(): WorldWithoutWorker {
  const world = {} as WorldWithoutWorker;
  beforeAll(async () => {
    world.api = await createTestApp();
    world.db = world.api.app.get(DataSource);
    world.fixtures = new PipelineFixtures(world.db);
    world.campaignId = await world.fixtures.campaign();
    world.partnerId = await world.fixtures.partner();
  });
  afterAll(async () => {
    await world.api?.close();
  });
  return world;
}

/** Polls until `check` returns a truthy value; fails with the last value after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T>, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${options.what ?? 'condition'} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

export async function startWorker(): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

/** A worker as its own OS process (same code as `npm run start:worker`), for tests that kill it. */
export function spawnWorker(extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (code && code !== 0 && signal !== 'SIGKILL') console.error(`worker exited with ${code}: ${err}`);
  });
  return child;
}

export async function waitForWorkerStart(child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start')), timeoutMs);
    const onData = (d: Buffer): void => {
      if (d.toString().includes('worker') && d.toString().includes('started')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', () => reject(new Error('worker exited before starting')));
  });
}
