import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { DeliveryRepository } from '../campaigns/deliveries/delivery.repository';
import { ChannelContextService } from '../channels/channel-context.service';
import { DomainError } from '../common/errors/domain-error';
import { PublishScheduler } from './publish-scheduler.service';

export interface OperationResult {
  /** Deliveries the operation changed. */
  deliveryIds: string[];
}

/**
 * What a manager may do to the schedule: cancel a post, retry a failed delivery, pause and resume a
 * channel. (Moving a post is an edit of its scheduledAt: PATCH /api/posts/:id, PostService.)
 * Postgres changes first (DeliveryRepository's transitions), then the queue follows; if the queue
 * step fails, the worker and the reconciler still read the new state from Postgres.
 */
@Injectable()
export class ManagerOperationsService {
  constructor(
    private readonly db: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly scheduler: PublishScheduler,
    private readonly channels: ChannelContextService,
    private readonly audit: AuditService,
  ) {}

  /** Deliveries not yet sent are cancelled; one already being sent finishes (it cannot be stopped midway). */
  async cancelPost(postId: string, actor: AuditActor): Promise<OperationResult> {
    const post = await this.requirePost(postId);
    const changed = await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE posts SET cancelled_at = coalesce(cancelled_at, now()), updated_at = now() WHERE id = $1`, [postId]);
      const rows = await this.deliveries.cancelWaitingOfPost(tx, postId);
      await this.audit.record(
        { actor, action: 'post.cancelled', entityType: 'post', entityId: postId, campaignId: post.campaignId, postId, after: { cancelledDeliveries: rows.length } },
        tx,
      );
      return rows;
    });
    // Beyond the publish horizon nothing sits in Redis: only the deliveries that had a job touch it.
    await this.scheduler.follow(changed);
    return { deliveryIds: changed.map((r) => r.id) };
  }

  /** A failed delivery goes back to its minute's line with its attempts reset, due now (or at its minute if still ahead). */
  async retryDelivery(deliveryId: string): Promise<OperationResult> {
    const [row]: Array<{ status: string; channel_status: string; handle: string }> = await this.db.query(
      `SELECT d.status, c.status AS channel_status, c.handle FROM deliveries d JOIN channels c ON c.id = d.channel_id WHERE d.id = $1`,
      [deliveryId],
    );
    if (!row) throw DomainError.notFound('delivery', deliveryId);
    if (row.status !== 'failed') throw new DomainError('state_conflict', `Only a failed delivery can be retried; this one is ${row.status}.`, { status: row.status });
    if (row.channel_status !== 'active') {
      throw new DomainError('state_conflict', `The account ${row.handle} is ${row.channel_status}; reconnect or resume it before retrying.`, {
        channelStatus: row.channel_status,
      });
    }
    if (!(await this.deliveries.retryFailed(deliveryId))) {
      throw new DomainError('state_conflict', 'This delivery cannot be retried: its post was edited or cancelled since it was approved.');
    }
    await this.scheduler.enqueue([deliveryId]);
    return { deliveryIds: [deliveryId] };
  }

  /** A paused channel's deliveries wait (they stay approved); nothing is published on it until resumed. */
  async pauseChannel(channelId: string): Promise<OperationResult> {
    await this.requireChannel(channelId);
    const changed = await this.channels.setStatus(channelId, 'paused', 'Paused by a manager', ['active']);
    if (!changed) throw new DomainError('state_conflict', 'Only an active channel can be paused.');
    return { deliveryIds: [] };
  }

  /** Resumes a paused channel and re-enqueues its waiting deliveries (those past their minute go out now). */
  async resumeChannel(channelId: string): Promise<OperationResult> {
    await this.requireChannel(channelId);
    const changed = await this.channels.setStatus(channelId, 'active', null, ['paused']);
    if (!changed) throw new DomainError('state_conflict', 'Only a paused channel can be resumed.');
    const ready = await this.deliveries.readyOfChannel(channelId);
    await this.scheduler.enqueue(ready);
    return { deliveryIds: ready };
  }

  private async requirePost(postId: string): Promise<{ campaignId: string }> {
    const [row]: Array<{ campaign_id: string }> = await this.db.query(`SELECT campaign_id FROM posts WHERE id = $1`, [postId]);
    if (!row) throw DomainError.notFound('post', postId);
    return { campaignId: row.campaign_id };
  }

  private async requireChannel(channelId: string): Promise<void> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM channels WHERE id = $1`, [channelId]);
    if (rows.length === 0) throw DomainError.notFound('channel', channelId);
  }
}
