import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { actorOf, AuthenticatedUser } from '../../auth/authenticated-user';
import { DomainError } from '../../common/errors/domain-error';
import { NotificationService } from '../../notifications/notification.service';
import { PublishScheduler } from '../../queue/publish-scheduler.service';
import { DeliveryRepository } from '../deliveries/delivery.repository';
import type { ApprovalDecision } from './approval.entity';
import { CHANGEABLE_SQL } from './approval-inbox.service';
import { ApprovalService, DecisionResult } from './approval.service';

interface CurrentDecision {
  id: string;
  decision: ApprovalDecision;
  partner_id: string;
  post_version: number;
  campaign_id: string;
  scheduled_at: Date;
  changeable: boolean;
}

/**
 * Revising a decision, so that a refusal leads somewhere: the manager asks a partner that refused
 * to decide again (after talking, or after moving the post), and a partner changes its mind until
 * its accounts' publication is due. The earlier decision stays in the history, superseded.
 */
@Injectable()
export class ApprovalRevisionService {
  private readonly logger = new Logger(ApprovalRevisionService.name);

  constructor(
    private readonly db: DataSource,
    private readonly approvals: ApprovalService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
    private readonly scheduler: PublishScheduler,
    private readonly deliveries: DeliveryRepository,
  ) {}

  /** The manager asks a partner that refused the current version to decide again. */
  async askAgain(postId: string, partnerId: string, by: AuthenticatedUser) {
    const asked = await this.db.transaction(async (tx) => {
      const current = await this.current(tx, postId, partnerId);
      if (!current || current.decision !== 'rejected') {
        throw new DomainError('state_conflict', 'This partner has not refused the current version: there is nothing to ask again.', { reason: 'not_refused' });
      }
      if (!current.changeable) throw new DomainError('state_conflict', 'Too late: this post is due or cancelled.', { reason: 'too_late' });
      await tx.query(`UPDATE approvals SET superseded_at = now() WHERE id = $1`, [current.id]);
      await this.audit.record({ actor: actorOf(by), action: 'approval.asked_again', entityType: 'approval', entityId: current.id, campaignId: current.campaign_id, postId, partnerId, after: { version: current.post_version } }, tx);
      return current;
    });
    await this.notifyAskedAgain(postId, asked);
    return this.approvals.status(postId);
  }

  /**
   * After the manager moved a post: every partner that refused its current version is asked
   * again (a refusal is often about the date). Returns the partners asked.
   */
  async askRefusedAgain(postId: string, by: AuthenticatedUser): Promise<string[]> {
    const asked = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM posts WHERE id = $1 FOR UPDATE`, [postId]);
      const refused = (await tx.query(
        `SELECT a.id, a.decision, a.partner_id, a.post_version, p.campaign_id, p.scheduled_at, (${CHANGEABLE_SQL}) AS changeable
           FROM approvals a JOIN posts p ON p.id = a.post_id
          WHERE a.post_id = $1 AND a.post_version = p.version AND a.superseded_at IS NULL AND a.decision = 'rejected'`,
        [postId],
      )) as CurrentDecision[];
      const open = refused.filter((r) => r.changeable);
      for (const r of open) {
        await tx.query(`UPDATE approvals SET superseded_at = now() WHERE id = $1`, [r.id]);
        await this.audit.record({ actor: actorOf(by), action: 'approval.asked_again', entityType: 'approval', entityId: r.id, campaignId: r.campaign_id, postId, partnerId: r.partner_id, after: { version: r.post_version, because: 'rescheduled' } }, tx);
      }
      return open;
    });
    for (const r of asked) await this.notifyAskedAgain(postId, r);
    return asked.map((r) => r.partner_id);
  }

  /**
   * A partner user changes its decision on the current version, until its accounts' publication
   * is due: approving moves its deliveries to `approved`; refusing after approving takes them
   * back to `pending_approval` (and their publish jobs out of the queue).
   */
  async changeDecision(postId: string, user: AuthenticatedUser, input: { decision: ApprovalDecision; comment?: string; version: number }): Promise<DecisionResult> {
    if (user.role !== 'partner' || !user.partnerId) throw new DomainError('forbidden', 'Only a partner user changes its own partner’s decision.');
    const partnerId = user.partnerId;
    const { result, withdrawn } = await this.db.transaction(async (tx) => {
      // The post row first, as every decision does, so revisions and decisions are serialised.
      await tx.query(`SELECT 1 FROM posts WHERE id = $1 FOR UPDATE`, [postId]);
      const current = await this.current(tx, postId, partnerId);
      if (!current) throw new DomainError('state_conflict', 'There is no decision of yours on this post to change: decide on it from your inbox.', { reason: 'not_decided' });
      if (current.post_version !== input.version) {
        throw new DomainError('state_conflict', `Version ${input.version} is outdated: the post is now at version ${current.post_version}.`, { currentVersion: current.post_version });
      }
      if (current.decision === input.decision) throw new DomainError('state_conflict', `Your decision is already "${input.decision}".`, { reason: 'same_decision' });
      if (!current.changeable) throw new DomainError('state_conflict', 'Too late to change: the post is due, already out, or cancelled.', { reason: 'too_late' });
      await tx.query(`UPDATE approvals SET superseded_at = now() WHERE id = $1`, [current.id]);
      const withdrawn = current.decision === 'approved' ? await this.deliveries.withdrawApproval(tx, postId, partnerId, current.post_version) : [];
      const result = await this.approvals.decideWithLock(tx, {
        postId, partnerId, version: input.version, decision: input.decision, comment: input.comment ?? '',
        actor: actorOf(user), userId: user.id, via: 'login',
      });
      return { result, withdrawn };
    });
    // The rows are back to pending_approval: a wake-up left behind finds nothing to claim.
    await this.scheduler.follow(withdrawn).catch((err: Error) => this.logger.warn(`Removing withdrawn publish jobs failed: ${err.message}`));
    await this.approvals.afterDecision(result);
    return result;
  }

  private async current(tx: EntityManager, postId: string, partnerId: string): Promise<CurrentDecision | undefined> {
    const [row] = (await tx.query(
      `SELECT a.id, a.decision, a.partner_id, a.post_version, p.campaign_id, p.scheduled_at, (${CHANGEABLE_SQL}) AS changeable
         FROM approvals a JOIN posts p ON p.id = a.post_id
        WHERE a.post_id = $1 AND a.partner_id = $2 AND a.post_version = p.version AND a.superseded_at IS NULL`,
      [postId, partnerId],
    )) as CurrentDecision[];
    return row;
  }

  private async notifyAskedAgain(postId: string, r: CurrentDecision): Promise<void> {
    await this.notifications.notifyPartner(
      r.partner_id,
      'approval_requested',
      { postId, version: r.post_version, campaignId: r.campaign_id, scheduledAt: r.scheduled_at.toISOString(), again: true },
      { dedupeKey: `approval:${postId}:${r.post_version}:again:${r.id}` },
    );
  }
}
