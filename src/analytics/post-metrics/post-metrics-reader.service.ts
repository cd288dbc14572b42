import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdapterRegistry } from '../../channels/adapters/adapter-registry';
import { NetworkError } from '../../channels/adapters/network-adapter';
import { notAvailable, PostMetrics, PostMetricsReading } from '../../channels/adapters/post-metrics';
import { ChannelContextService } from '../../channels/channel-context.service';
import { ReadPostMetricsJob } from './post-metrics-job';

export type PostMetricsOutcome =
  | { outcome: 'ok'; metrics: PostMetrics }
  | { outcome: 'unsupported' }
  | { outcome: 'failed'; errorKind: string; retryAt: Date }
  | { outcome: 'skipped'; reason: string };

const COLUMNS: Record<keyof PostMetrics, string> = {
  views: 'views', reach: 'reach', likes: 'likes', reposts: 'reposts', replies: 'replies', quotes: 'quotes',
  linkClicks: 'link_clicks', videoViews: 'video_views', saves: 'saves',
};

/**
 * Reads one published delivery's figures through its channel's adapter and records a snapshot.
 * Like the follower poller, it never throws for a network problem: a failure is a row with its
 * error class and the time to try again, never a made-up number.
 */
@Injectable()
export class PostMetricsReader {
  private readonly logger = new Logger(PostMetricsReader.name);

  constructor(
    private readonly db: DataSource,
    private readonly contexts: ChannelContextService,
    private readonly adapters: AdapterRegistry,
  ) {}

  async read(job: ReadPostMetricsJob, now = new Date()): Promise<PostMetricsOutcome> {
    const [delivery] = (await this.db.query(
      `SELECT channel_id, external_id, external_url, published_at FROM deliveries WHERE id = $1 AND status = 'published'`,
      [job.deliveryId],
    )) as Array<{ channel_id: string; external_id: string | null; external_url: string | null; published_at: Date | null }>;
    if (!delivery?.external_id || !delivery.published_at) return { outcome: 'skipped', reason: 'not a published delivery' };
    const ctx = await this.contexts.load(delivery.channel_id).catch(() => null);
    if (!ctx) return { outcome: 'skipped', reason: 'channel deleted' };
    if (ctx.status !== 'active') return { outcome: 'skipped', reason: `channel ${ctx.status}` };
    const adapter = this.adapters.for(ctx.network);
    if (!adapter.readPostMetrics) {
      await this.record(job, now, { outcome: 'unsupported', reading: { metrics: notAvailable(), source: `${ctx.network}: no per-post figures` } });
      return { outcome: 'unsupported' };
    }
    try {
      const reading = await adapter.readPostMetrics(ctx, { externalId: delivery.external_id, url: delivery.external_url, publishedAt: delivery.published_at });
      await this.record(job, now, { outcome: 'ok', reading });
      return { outcome: 'ok', metrics: reading.metrics };
    } catch (err) {
      const kind = err instanceof NetworkError ? err.kind : 'unknown';
      const retryAt = err instanceof NetworkError && err.kind === 'rate_limited' && err.options.retryAt ? err.options.retryAt : new Date(now.getTime() + 30 * 60_000);
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      await this.record(job, now, { outcome: 'failed', reading: { metrics: notAvailable(), source: `${ctx.network}` }, errorKind: kind, errorMessage: message, retryAt });
      this.logger.warn(`Reading the figures of delivery ${job.deliveryId} failed (${kind}); next try after ${retryAt.toISOString()}`);
      return { outcome: 'failed', errorKind: kind, retryAt };
    }
  }

  private async record(
    job: ReadPostMetricsJob,
    takenAt: Date,
    r: { outcome: 'ok' | 'unsupported' | 'failed'; reading: PostMetricsReading; errorKind?: string; errorMessage?: string; retryAt?: Date },
  ): Promise<void> {
    const keys = Object.keys(COLUMNS) as Array<keyof PostMetrics>;
    await this.db.query(
      `INSERT INTO post_metric_snapshots (delivery_id, taken_at, age, outcome, source, error_kind, error_message, retry_at, ${keys.map((k) => COLUMNS[k]).join(', ')})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${keys.map((_, i) => `$${i + 9}`).join(', ')})
       ON CONFLICT (delivery_id, taken_at) DO NOTHING`,
      [job.deliveryId, takenAt, job.age, r.outcome, r.reading.source, r.errorKind ?? null, r.errorMessage ?? null, r.retryAt ?? null,
        ...keys.map((k) => r.reading.metrics[k])],
    );
  }
}
