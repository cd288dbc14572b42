import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

/** Who did it: a signed-in user, or the system itself (worker, reconciler, approval link). */
export interface AuditActor {
  userId: string | null;
  label: string;
}

export const SYSTEM_ACTOR: AuditActor = { userId: null, label: 'system' };

export interface AuditRecord {
  actor: AuditActor;
  action: string;
  entityType: string;
  entityId: string;
  campaignId?: string | null;
  postId?: string | null;
  partnerId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Appends to the audit trail. Pass the transaction's EntityManager so the event commits with the change. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(event: AuditRecord, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(AuditEvent) : this.events;
    const row: Partial<AuditEvent> = {
      occurredAt: new Date(),
      actorUserId: event.actor.userId,
      actorLabel: event.actor.label,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      campaignId: event.campaignId ?? null,
      postId: event.postId ?? null,
      partnerId: event.partnerId ?? null,
      before: event.before ?? null,
      after: event.after ?? null,
    };
    // insert() rather than save(): append-only, and no SELECT back.
    await repo.createQueryBuilder().insert().into(AuditEvent).values(row as never).execute();
  }
}

/**
 * The audit rows of a state change made in SQL, one per row of `from` (a CTE of the statement
 * that changed them), as an INSERT to append to that statement: the change and its audit rows
 * then commit together, in one round trip (DeliveryRepository's transitions). Every other column
 * is an SQL expression over `from`'s rows; `actorLabel` and `action` are our own constants.
 */
export interface AuditRowsFrom {
  from: string;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  campaignId: string;
  postId: string;
  partnerId: string;
  after: string;
}

export function auditInsertFrom(r: AuditRowsFrom): string {
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `INSERT INTO audit_events (actor_label, action, entity_type, entity_id, campaign_id, post_id, partner_id, after)
          SELECT ${literal(r.actorLabel)}, ${literal(r.action)}, ${literal(r.entityType)}, ${r.entityId}, ${r.campaignId}, ${r.postId}, ${r.partnerId}, ${r.after}
            FROM ${r.from}
          RETURNING entity_id`;
}
