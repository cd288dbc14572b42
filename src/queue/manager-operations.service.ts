import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../audit/audit.service';
import { ChannelContextService } from '../channels/channel-context.service';
import { DomainError } from '../common/errors/domain-error';
import { PublishScheduler } from './publish-scheduler.service';
import { sqlRows } from './sql-rows';

export interface OperationResult {
  /** Deliveries the operation changed. */
  deliveryIds: string[];
}

/**
 * What a manager may do to the schedule: cancel a post, retry a failed delivery, pause and resume a
 * channel. (Moving a post is an edit of its scheduledAt: PATCH /api/posts/:id, PostService.) Postgres changes first (conditional UPDATEs), then the queue follows;
 * if the queue step fails, the worker and the reconciler still read the new state from Postgres.
 */
@Injectable()
export class ManagerOperationsService {
  constructor(
    private readonly db: DataSource,
    private readonly scheduler: PublishScheduler,
    private readonly channels: ChannelContextService,
  ) {}

  /** Deliveries not yet sent are cancelled; one already being sent finishes (it cannot be stopped midway). */
  async cancelPost(postId: string, actor: AuditActor): Promise<OperationResult> {
    await this.requirePost(postId);
    const rows: Array<{ id: string; post_version: number }> = await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE posts SET cancelled_at = coalesce(cancelled_at, now()), updated_at = now() WHERE id = $1`, [postId]);
      const [changed] = await tx.query(
        `UPDATE deliveries SET status = 'cancelled', updated_at = now()
          WHERE post_id = $1 AND status IN ('pending_approval', 'approved', 'queued')
          RETURNING id, post_version`,
        [postId],
      );
      await tx.query(
        `INSERT INTO audit_events (actor_user_id, actor_label, action, entity_type, entity_id, campaign_id, post_id, after)
         SELECT $3, $4, 'post.cancelled', 'post', p.id::text, p.campaign_id, p.id, jsonb_build_object('cancelledDeliveries', $2::int)
           FROM posts p WHERE p.id = $1`,
        [postId, changed.length, actor.userId, actor.label],
      );
      return changed;
    });
    await this.scheduler.removeJobs(rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version) })));
    return { deliveryIds: rows.map((r) => r.id) };
  }

  /** A failed delivery goes back to the queue with its attempts reset, due now (or at its minute if still ahead). */
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
    const changed = sqlRows(await this.db.query(
      `UPDATE deliveries d SET status = 'approved', attempts = 0, error_kind = NULL, error_message = NULL,
              due_at = greatest(d.due_at, now()), claimed_at = NULL, claimed_by = NULL, updated_at = now()
         FROM posts p
        WHERE d.id = $1 AND p.id = d.post_id AND d.status = 'failed'
          AND d.approved_version = d.post_version AND p.version = d.post_version AND p.cancelled_at IS NULL
        RETURNING d.id`,
      [deliveryId],
    ));
    if (changed.length === 0) throw new DomainError('state_conflict', 'This delivery cannot be retried: its post was edited or cancelled since it was approved.');
    return { deliveryIds: await this.scheduler.enqueue([deliveryId]) };
  }

  /** A paused channel's deliveries wait (they stay queued); nothing is published on it until resumed. */
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
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM deliveries WHERE channel_id = $1 AND status IN ('approved', 'queued')`,
      [channelId],
    );
    return { deliveryIds: await this.scheduler.enqueue(rows.map((r) => r.id)) };
  }

  private async requirePost(postId: string): Promise<{ cancelled: boolean; timeZone: string }> {
    const [row]: Array<{ cancelled: boolean; time_zone: string }> = await this.db.query(
      `SELECT p.cancelled_at IS NOT NULL AS cancelled, c.time_zone FROM posts p JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = $1`,
      [postId],
    );
    if (!row) throw DomainError.notFound('post', postId);
    return { cancelled: row.cancelled, timeZone: row.time_zone };
  }

  private async requireChannel(channelId: string): Promise<void> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM channels WHERE id = $1`, [channelId]);
    if (rows.length === 0) throw DomainError.notFound('channel', channelId);
  }
}
