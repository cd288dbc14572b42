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
