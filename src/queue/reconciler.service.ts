import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { ENV, Env } from '../config/env';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS } from '../redis/redis.module';
import { DeliveryTransitions } from './delivery-transitions';
import { PublishScheduler } from './publish-scheduler.service';
import { publishJobId, PublishDeliveryJob } from './publish-job';
import { QueueName } from './queue-names';

/** Deliveries due within this horizon must have a job; later ones get theirs when they come near. */
const HORIZON_MS = 2 * 60_000;
const BATCH = 20_000;
/** Job keys looked up per Redis call. */
const KEYS_PER_CALL = 1000;

/**
 * Of the keys given, the 1-based positions of those that do not exist. One call looks up a
 * thousand job keys inside Redis, where a pipeline of EXISTS costs the worker a thousand commands
 * to write and a thousand answers to parse.
 */
const MISSING_KEYS_LUA = `
local missing = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then missing[#missing + 1] = i end
end
return missing`;

type MissingKeysRedis = Redis & { chorusMissingKeys(numberOfKeys: number, ...keys: string[]): Promise<number[]> };

/**
 * Makes Redis disposable (DESIGN.md: Postgres is the truth). On every tick, in every worker:
 * deliveries of submitted posts still unapproved at their minute are skipped; every ready delivery
 * due soon that has no job gets one; every delivery abandoned in `publishing` gets a job that
 * looks it up on the network before anything else. Several workers may run it at once: every
 * change is a conditional UPDATE and every job id is deterministic.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private running = false;
  private stopped = false;

  constructor(
    private readonly transitions: DeliveryTransitions,
    private readonly scheduler: PublishScheduler,
    private readonly schedules: SchedulerRegistry,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(QueueName.Publish) private readonly queue: Queue<PublishDeliveryJob>,
    @Inject(ENV) private readonly env: Env,
    private readonly metrics: MetricsService,
  ) {
    redis.defineCommand('chorusMissingKeys', { lua: MISSING_KEYS_LUA });
  }

  onApplicationBootstrap(): void {
    this.schedules.addInterval('publish-reconciler', setInterval(() => void this.tick(), this.env.RECONCILE_INTERVAL_MS));
    // Also once at start-up: a restarted worker should not wait a whole interval.
    void this.tick();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      await this.metrics.timePass('reconciler', () => this.reconcile());
    } catch (err) {
      if (!this.stopped) this.logger.error({ err }, 'reconcile failed; next tick retries');
    } finally {
      this.running = false;
    }
  }

  /** One pass; returns what it did (for tests and logs). */
  async reconcile(): Promise<{ skipped: number; enqueued: number; recovered: number }> {
    const skipped = await this.transitions.skipUnapprovedDue();

    const stale = await this.transitions.stalePublishing(this.env.PUBLISH_LEASE_MS, 1000);
    // A fresh job id per recovery generation: the dead worker's job may still sit in Redis, locked.
    await this.scheduler.addJobs(stale.map((s) => ({ id: s.id, postVersion: s.postVersion, channelId: s.channelId, dueAt: new Date(), generation: s.attempts })));

    const ready = await this.transitions.readyBefore(new Date(Date.now() + HORIZON_MS), BATCH);
    const missing = await this.withoutJob(ready);
    if (missing.length) {
      const queued = await this.transitions.markQueued(missing.map((r) => r.id));
      await this.scheduler.addJobs(queued);
    }
    if (skipped.length || stale.length || missing.length) {
      this.logger.log({ skipped: skipped.length, recovered: stale.length, enqueued: missing.length }, 'reconciled deliveries');
    }
    return { skipped: skipped.length, enqueued: missing.length, recovered: stale.length };
  }

  /**
   * The rows whose job is missing, or abandoned: still "active" in Redis but without its lock,
   * because the worker that took it died (BullMQ's own stall check would take a minute or more).
   * Abandoned jobs are removed here so the caller can add them again under the same id.
   *
   * The job keys are looked up a thousand per Redis call (MISSING_KEYS_LUA), plus one read of the
   * active list per pass (it holds at most the workers' concurrency): a release keeps thousands of
   * rows due within the horizon, and this runs in the worker's event loop, beside the jobs it
   * would otherwise delay (bench/publish: 20–190 ms of the worker's CPU per pass with one EXISTS
   * per row, in a pipeline).
   */
  private async withoutJob<T extends { id: string; postVersion: number }>(rows: T[]): Promise<T[]> {
    const missing: T[] = [];
    // The REDIS client prefixes REDIS_PREFIX, as BullMQ's `${REDIS_PREFIX}:bull` does.
    const base = `bull:${QueueName.Publish}`;
    const active = new Set(rows.length ? await this.redis.lrange(`${base}:active`, 0, -1) : []);
    const held: T[] = [];
    for (let i = 0; i < rows.length; i += KEYS_PER_CALL) {
      const chunk = rows.slice(i, i + KEYS_PER_CALL);
      const jobIds = chunk.map((r) => publishJobId(r.id, r.postVersion));
      const absent = new Set(await this.missingKeys(jobIds.map((id) => `${base}:${id}`)));
      chunk.forEach((r, j) => {
        if (absent.has(j + 1)) missing.push(r);
        else if (active.has(jobIds[j])) held.push(r);
      });
    }
    if (held.length) {
      // Looked at again together: the job may have finished or moved since the list was read.
      const pipeline = this.redis.pipeline();
      for (const r of held) {
        const jobId = publishJobId(r.id, r.postVersion);
        pipeline.exists(`${base}:${jobId}:lock`);
        pipeline.lpos(`${base}:active`, jobId);
      }
      const answers = (await pipeline.exec()) ?? [];
      for (let j = 0; j < held.length; j++) {
        const [[e1, locked], [e2, activeAt]] = answers.slice(j * 2, j * 2 + 2) as Array<[Error | null, unknown]>;
        if (e1 || e2 || activeAt === null || Number(locked) !== 0) continue;
        const removed = await this.queue.remove(publishJobId(held[j].id, held[j].postVersion)).catch(() => 0);
        if (removed) missing.push(held[j]);
      }
    }
    return missing;
  }

  /** MISSING_KEYS_LUA over `keys` (defined on the shared connection by the constructor). */
  private missingKeys(keys: string[]): Promise<number[]> {
    return (this.redis as MissingKeysRedis).chorusMissingKeys(keys.length, ...keys);
  }
}
