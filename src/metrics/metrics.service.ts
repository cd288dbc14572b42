import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { DELIVERY_STATUSES } from '../campaigns/deliveries/delivery.entity';
import { NetworkError } from '../channels/adapters/network-adapter';
import { QueueName } from '../queue/queue-names';

/** Timed passes of the worker's schedules. */
export type PassName = 'promoter' | 'reconciler';

/** What a follower poll ended with (follower_snapshots.outcome, plus polls that did not reach the network). */
export type FollowerPollOutcome = 'count' | 'not_available' | 'failed' | 'skipped';

/** Queue states shown: the ones BullMQ's getJobCounts answers cheaply and that say whether work piles up. */
const QUEUE_STATES = ['waiting', 'delayed', 'active'] as const;

/**
 * Every Prometheus metric of a Chorus process (API or worker), in one registry per process.
 *
 * Two kinds: figures read from their owner at scrape time (deliveries by status from PostgreSQL,
 * queue sizes from BullMQ), so a restart or a second process never makes them drift; and events
 * observed where they happen (a publication recorded, a network call, a pass, a follower poll),
 * each by one call of the methods below. The registry is the service's own, not prom-client's
 * global one, so several apps in one process (tests) do not collide.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();

  private readonly lateness: Histogram;
  private readonly networkCalls: Counter<'network' | 'operation' | 'outcome'>;
  private readonly networkCallSeconds: Histogram<'network' | 'operation'>;
  private readonly passSeconds: Histogram<'pass'>;
  private readonly followerPolls: Counter<'network' | 'outcome'>;

  constructor(
    private readonly db: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const service = this;

    new Gauge({
      name: 'chorus_deliveries',
      help: 'Deliveries by status, counted in PostgreSQL at scrape time (the same figure from every process).',
      labelNames: ['status'],
      registers,
      async collect() {
        await service.collectDeliveries(this);
      },
    });
    new Gauge({
      name: 'chorus_queue_jobs',
      help: 'BullMQ jobs by queue and state, read at scrape time (the same figure from every process).',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        await service.collectQueues(this);
      },
    });
    this.lateness = new Histogram({
      name: 'chorus_delivery_lateness_seconds',
      help: "Seconds between the minute a delivery was due (the post's minute, or the later one a retry or a posting limit gave it) and its publication, observed when the publication is recorded.",
      // From "on the minute" to "an hour late": the peak minute's tail and a network's outage both fit.
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.networkCalls = new Counter({
      name: 'chorus_network_calls_total',
      help: "Calls of a network adapter by network, operation and outcome ('ok' or the error class).",
      labelNames: ['network', 'operation', 'outcome'],
      registers,
    });
    this.networkCallSeconds = new Histogram({
      name: 'chorus_network_call_duration_seconds',
      help: 'Duration of network adapter calls (all HTTP requests of one operation), whatever their outcome.',
      labelNames: ['network', 'operation'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.passSeconds = new Histogram({
      name: 'chorus_pass_duration_seconds',
      help: "Duration of one pass of a worker's schedule (promoter, reconciler).",
      labelNames: ['pass'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.followerPolls = new Counter({
      name: 'chorus_follower_polls_total',
      help: 'Follower polls by network and outcome (count, not_available, failed, skipped).',
      labelNames: ['network', 'outcome'],
      registers,
    });
  }

  /** A publication was recorded: how late it went out after the minute it was due. */
  publicationRecorded(dueAt: Date, publishedAt: Date): void {
    this.lateness.observe(Math.max(0, (publishedAt.getTime() - dueAt.getTime()) / 1000));
  }

  /** Runs one adapter operation and counts it by outcome: 'ok', or the NetworkError's class ('unknown' for anything else). */
  async networkCall<T>(network: string, operation: string, call: () => Promise<T>): Promise<T> {
    const end = this.networkCallSeconds.startTimer({ network, operation });
    try {
      const result = await call();
      this.networkCalls.inc({ network, operation, outcome: 'ok' });
      return result;
    } catch (err) {
      this.networkCalls.inc({ network, operation, outcome: err instanceof NetworkError ? err.kind : 'unknown' });
      throw err;
    } finally {
      end();
    }
  }

  /** Times one pass of a schedule (whether it succeeds or throws). */
  async timePass<T>(pass: PassName, run: () => Promise<T>): Promise<T> {
    const end = this.passSeconds.startTimer({ pass });
    try {
      return await run();
    } finally {
      end();
    }
  }

  followerPolled(network: string, outcome: FollowerPollOutcome): void {
    this.followerPolls.inc({ network, outcome });
  }

  /** The text exposition of every metric, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** One grouped count; every status is present (0 when none), so a series never vanishes. */
  private async collectDeliveries(gauge: Gauge<'status'>): Promise<void> {
    try {
      const rows = (await this.db.query(`SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`)) as Array<{ status: string; n: number }>;
      const counts = new Map(rows.map((r) => [r.status, Number(r.n)]));
      gauge.reset();
      for (const status of DELIVERY_STATUSES) gauge.set({ status }, counts.get(status) ?? 0);
    } catch (err) {
      // A scrape still answers (process metrics, counters) while PostgreSQL is away; the family is empty meanwhile.
      gauge.reset();
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics: could not count deliveries');
    }
  }

  private async collectQueues(gauge: Gauge<'queue' | 'state'>): Promise<void> {
    gauge.reset();
    for (const name of Object.values(QueueName)) {
      try {
        const counts = await this.queue(name).getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) gauge.set({ queue: name, state }, counts[state] ?? 0);
      } catch (err) {
        this.logger.warn({ queue: name, err: err instanceof Error ? err.message : String(err) }, 'metrics: could not count jobs');
      }
    }
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
