import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../audit/audit.service';
import { actorOf, AuthenticatedUser } from '../../auth/authenticated-user';
import { DomainError } from '../../common/errors/domain-error';
import { NotificationService } from '../../notifications/notification.service';
import { DeliveryRepository } from '../deliveries/delivery.repository';
import type { ApprovalDecision, ApprovalVia } from './approval.entity';
import { PUBLISH_ENQUEUER, PublishEnqueuer } from './publish-enqueuer';

interface PostRow {
  id: string;
  campaign_id: string;
  version: number;
  scheduled_at: Date;
  submitted_at: Date | null;
  cancelled_at: Date | null;
  operator_partner_id: string | null;
}

export interface Decision {
  postId: string;
  partnerId: string;
  version: number;
  decision: ApprovalDecision;
  comment: string;
  actor: AuditActor;
  userId: string | null;
  via: ApprovalVia;
}

export interface DecisionResult {
  approvalId: string;
  postId: string;
  partnerId: string;
  version: number;
  decision: ApprovalDecision;
  approvedDeliveryIds: string[];
}

/**
 * The approval workflow: a manager submits a post; every partner whose channels it targets
 * decides on the *current version*; approving moves that partner's deliveries of that version
 * to `approved`. The operator's own channels are approved by the submitting manager.
 */
@Injectable()
export class ApprovalService {
  private readonly logger = new Logger(ApprovalService.name);

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
    private readonly deliveries: DeliveryRepository,
    @Optional() @Inject(PUBLISH_ENQUEUER) private readonly enqueuer?: PublishEnqueuer,
  ) {}

  async submit(postId: string, by: AuthenticatedUser) {
    const { post, partners, operatorDecision } = await this.db.transaction(async (tx) => {
      const post = await this.lockPost(tx, postId);
      if (post.cancelled_at) throw new DomainError('state_conflict', 'This post is cancelled; it cannot be submitted.');
      const partners = await this.targetedPartners(tx, postId);
      if (!partners.length) throw new DomainError('state_conflict', 'This post targets no channel: add channels before submitting it.');
      const [submittedAt] = (await tx.query(`UPDATE posts SET submitted_at = now(), updated_at = now() WHERE id = $1 RETURNING submitted_at`, [postId])) as [Array<{ submitted_at: Date }>, number];
      post.submitted_at = submittedAt[0].submitted_at;
      await this.audit.record({ actor: actorOf(by), action: 'post.submitted', entityType: 'post', entityId: postId, campaignId: post.campaign_id, postId, after: { version: post.version, partnerIds: partners } }, tx);
      let operatorDecision: DecisionResult | null = null;
      if (post.operator_partner_id && partners.includes(post.operator_partner_id) && !(await this.decided(tx, postId, post.operator_partner_id, post.version))) {
        operatorDecision = await this.decideInTx(tx, post, {
          postId, partnerId: post.operator_partner_id, version: post.version, decision: 'approved', comment: '',
          actor: actorOf(by), userId: by.id, via: 'manager',
        });
      }
      return { post, partners, operatorDecision };
    });
    if (operatorDecision) await this.enqueue(operatorDecision.approvedDeliveryIds);
    for (const partnerId of partners) {
      if (partnerId === post.operator_partner_id) continue;
      await this.notifications.notifyPartner(
        partnerId,
        'approval_requested',
        { postId, version: post.version, campaignId: post.campaign_id, scheduledAt: post.scheduled_at.toISOString() },
        { dedupeKey: `approval:${postId}:${post.version}` },
      );
    }
    return this.status(postId);
  }

  /** A signed-in user's decision: a partner user for its partner, a manager for the operator only. */
  async decideAsUser(postId: string, user: AuthenticatedUser, input: { decision: ApprovalDecision; comment?: string; version: number }): Promise<DecisionResult> {
    const result = await this.db.transaction(async (tx) => {
      const post = await this.lockPost(tx, postId);
      let partnerId: string;
      if (user.role === 'partner' && user.partnerId) {
        partnerId = user.partnerId;
      } else if (user.role === 'manager' && post.operator_partner_id) {
        partnerId = post.operator_partner_id;
      } else {
        throw new DomainError('forbidden', 'Only the partner whose channels a post targets decides on it; a manager decides for the operator only.');
      }
      return this.decideInTx(tx, post, {
        postId, partnerId, version: input.version, decision: input.decision, comment: input.comment ?? '',
        actor: actorOf(user), userId: user.id, via: user.role === 'manager' ? 'manager' : 'login',
      });
    });
    await this.afterDecision(result);
    return result;
  }

  /**
   * For approval links: the caller has already checked the link and runs this in its transaction.
   * `afterLock` runs once the post's row is locked (the link burns there): the post is always the
   * first row locked, so concurrent decisions queue on it instead of deadlocking (an insert that
   * references the post takes a share lock on it, which must not come before FOR UPDATE).
   */
  async decideWithLock(tx: EntityManager, decision: Decision, afterLock?: () => Promise<void>): Promise<DecisionResult> {
    const post = await this.lockPost(tx, decision.postId);
    await afterLock?.();
    return this.decideInTx(tx, post, decision);
  }

  async afterDecision(result: DecisionResult): Promise<void> {
    if (result.decision === 'approved') {
      await this.enqueue(result.approvedDeliveryIds);
      return;
    }
    const [row] = (await this.db.query(
      `SELECT p.campaign_id, p.scheduled_at, pa.name AS partner_name, a.comment
         FROM approvals a JOIN posts p ON p.id = a.post_id JOIN partners pa ON pa.id = a.partner_id WHERE a.id = $1`,
      [result.approvalId],
    )) as Array<{ campaign_id: string; scheduled_at: Date; partner_name: string; comment: string }>;
    await this.notifications.notifyManagers(
      'approval_rejected',
      { postId: result.postId, version: result.version, partnerId: result.partnerId, partnerName: row?.partner_name, comment: row?.comment, campaignId: row?.campaign_id, scheduledAt: row?.scheduled_at.toISOString() },
      { dedupeKey: `rejected:${result.approvalId}` },
    );
  }

  /** Decisions per version, and who is still awaited on the current one. A partner user sees only its own. */
  async list(postId: string, user: AuthenticatedUser) {
    const status = await this.status(postId);
    if (user.role === 'partner') {
      if (!status.partners.some((p) => p.partnerId === user.partnerId)) {
        throw new DomainError('forbidden', 'This post does not target your channels.');
      }
      return {
        ...status,
        partners: status.partners.filter((p) => p.partnerId === user.partnerId),
        decisions: status.decisions.filter((d) => d.partnerId === user.partnerId),
      };
    }
    return status;
  }

  /** The post's approval picture: each targeted partner's state on the current version, and the history. */
  async status(postId: string) {
    const [post] = (await this.db.query(
      `SELECT p.id, p.version, p.submitted_at, p.cancelled_at, c.operator_partner_id
         FROM posts p JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = $1`,
      [postId],
    )) as Array<Omit<PostRow, 'campaign_id' | 'scheduled_at'>>;
    if (!post) throw DomainError.notFound('post', postId);
    const partners = (await this.db.query(
      `SELECT pa.id AS "partnerId", pa.name AS "partnerName",
              coalesce(a.decision, 'pending') AS state, a.comment
         FROM (SELECT DISTINCT ch.partner_id FROM deliveries d JOIN channels ch ON ch.id = d.channel_id
                WHERE d.post_id = $1 AND d.status <> 'cancelled') t
         JOIN partners pa ON pa.id = t.partner_id
         LEFT JOIN approvals a ON a.post_id = $1 AND a.partner_id = pa.id AND a.post_version = $2 AND a.superseded_at IS NULL
        ORDER BY pa.name`,
      [postId, post.version],
    )) as Array<{ partnerId: string; partnerName: string; state: 'pending' | ApprovalDecision; comment: string | null }>;
    const decisions = (await this.db.query(
      `SELECT a.id, a.post_version AS version, a.partner_id AS "partnerId", pa.name AS "partnerName", a.decision,
              a.comment, a.via, a.decided_by AS "decidedBy", a.decided_at AS "decidedAt", a.superseded_at AS "supersededAt"
         FROM approvals a JOIN partners pa ON pa.id = a.partner_id
        WHERE a.post_id = $1 ORDER BY a.post_version DESC, a.decided_at`,
      [postId],
    )) as Array<{ partnerId: string; version: number }>;
    return {
      postId,
      version: post.version,
      submittedAt: post.submitted_at,
      cancelledAt: post.cancelled_at,
      operatorPartnerId: post.operator_partner_id,
      partners,
      decisions,
    };
  }

  async targetedPartners(tx: EntityManager | DataSource, postId: string): Promise<string[]> {
    const rows = (await tx.query(
      `SELECT DISTINCT c.partner_id FROM deliveries d JOIN channels c ON c.id = d.channel_id
        WHERE d.post_id = $1 AND d.status <> 'cancelled' ORDER BY c.partner_id`,
      [postId],
    )) as Array<{ partner_id: string }>;
    return rows.map((r) => r.partner_id);
  }

  private async lockPost(tx: EntityManager, postId: string): Promise<PostRow> {
    const [post] = (await tx.query(
      `SELECT p.id, p.campaign_id, p.version, p.scheduled_at, p.submitted_at, p.cancelled_at, c.operator_partner_id
         FROM posts p JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = $1 FOR UPDATE OF p`,
      [postId],
    )) as PostRow[];
    if (!post) throw DomainError.notFound('post', postId);
    return post;
  }

  private async decided(tx: EntityManager, postId: string, partnerId: string, version: number): Promise<boolean> {
    const rows = await tx.query(`SELECT 1 FROM approvals WHERE post_id = $1 AND partner_id = $2 AND post_version = $3 AND superseded_at IS NULL`, [postId, partnerId, version]);
    return rows.length > 0;
  }

  /** Every check, then the decision, the deliveries and the audit line, in the caller's transaction. */
  private async decideInTx(tx: EntityManager, post: PostRow, d: Decision): Promise<DecisionResult> {
    const partners = await this.targetedPartners(tx, post.id);
    if (!partners.includes(d.partnerId)) {
      throw new DomainError('forbidden', 'This post does not target that partner\'s channels: only their own partner decides on them.');
    }
    if (post.cancelled_at) throw new DomainError('state_conflict', 'This post is cancelled; there is nothing to decide.');
    if (!post.submitted_at) throw new DomainError('state_conflict', 'This post has not been submitted for approval yet.');
    if (d.version !== post.version) {
      throw new DomainError('state_conflict', `Version ${d.version} is outdated: the post is now at version ${post.version}. Review the new text and decide again.`, { currentVersion: post.version });
    }
    const inserted = (await tx.query(
      `INSERT INTO approvals (post_id, partner_id, post_version, decision, comment, decided_by, via)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (post_id, partner_id, post_version) WHERE superseded_at IS NULL DO NOTHING RETURNING id`,
      [post.id, d.partnerId, d.version, d.decision, d.comment, d.userId, d.via],
    )) as Array<{ id: string }>;
    if (!inserted.length) {
      throw new DomainError('state_conflict', `This partner already decided on version ${d.version}. An edit of the post asks again.`);
    }
    let approvedDeliveryIds: string[] = [];
    if (d.decision === 'approved') {
      approvedDeliveryIds = await this.deliveries.approve(tx, post.id, d.partnerId, d.version);
    }
    await this.audit.record({
      actor: d.actor,
      action: d.decision === 'approved' ? 'approval.approved' : 'approval.rejected',
      entityType: 'approval',
      entityId: inserted[0].id,
      campaignId: post.campaign_id,
      postId: post.id,
      partnerId: d.partnerId,
      after: { version: d.version, decision: d.decision, comment: d.comment, via: d.via, deliveryIds: approvedDeliveryIds },
    }, tx);
    return { approvalId: inserted[0].id, postId: post.id, partnerId: d.partnerId, version: d.version, decision: d.decision, approvedDeliveryIds };
  }

  private async enqueue(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length || !this.enqueuer) return;
    try {
      await this.enqueuer.enqueue(deliveryIds);
    } catch (err) {
      // The decision is committed; the reconciler enqueues what this missed.
      this.logger.warn(`Enqueueing approved deliveries failed: ${(err as Error).message}`);
    }
  }
}
