import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { MailService } from './mail.service';
import { Notification, NotificationKind } from './notification.entity';
import { PartnerWebhookService } from './webhooks/partner-webhook.service';

const SUBJECTS: Record<NotificationKind, string> = {
  approval_requested: 'Chorus — une publication attend votre validation',
  approval_reminder: 'Chorus — rappel : validation attendue avant publication',
  approval_rejected: 'Chorus — une publication a été refusée',
  delivery_failed: 'Chorus — une publication a échoué',
  channel_needs_reauth: 'Chorus — un compte doit être reconnecté',
};

export interface NotifyOptions {
  /** Same key for the same user twice = one notification (re-submission, reminders). */
  dedupeKey?: string;
  /** Extra lines for the e-mail (e.g. an approval link), never stored in the inbox. */
  mailText?: string;
}

/**
 * Tells people: an inbox line per user, an e-mail when SMTP is configured, and the partner's
 * webhook when it has one. Called by approvals and by the publishing pipeline.
 */
@Injectable()
export class NotificationService {
  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    private readonly db: DataSource,
    private readonly mail: MailService,
    private readonly webhooks: PartnerWebhookService,
  ) {}

  /** Every active user of the partner, plus its webhook. */
  async notifyPartner(partnerId: string, kind: NotificationKind, payload: Record<string, unknown>, options: NotifyOptions = {}): Promise<number> {
    const users = (await this.db.query(
      `SELECT id, email FROM users WHERE partner_id = $1 AND role = 'partner' AND deleted_at IS NULL AND disabled_at IS NULL`,
      [partnerId],
    )) as Array<{ id: string; email: string }>;
    const created = await this.notifyUsers(users, kind, { ...payload, partnerId }, options);
    if (created > 0 || !options.dedupeKey) await this.webhooks.deliver(partnerId, { kind, payload });
    return created;
  }

  async notifyManagers(kind: NotificationKind, payload: Record<string, unknown>, options: NotifyOptions = {}): Promise<number> {
    const users = (await this.db.query(
      `SELECT id, email FROM users WHERE role = 'manager' AND deleted_at IS NULL AND disabled_at IS NULL`,
    )) as Array<{ id: string; email: string }>;
    return this.notifyUsers(users, kind, payload, options);
  }

  list(userId: string, unreadOnly = false): Promise<Notification[]> {
    const q = this.notifications.createQueryBuilder('n').where('n.user_id = :userId', { userId });
    if (unreadOnly) q.andWhere('n.read_at IS NULL');
    return q.orderBy('n.created_at', 'DESC').limit(200).getMany();
  }

  async markRead(userId: string, id: string): Promise<Notification> {
    // Scoped by user: someone else's notification is "not found", not "forbidden" (ids reveal nothing).
    await this.notifications.update({ id, userId }, { readAt: () => 'coalesce(read_at, now())' } as never);
    const row = await this.notifications.findOne({ where: { id, userId } });
    if (!row) throw DomainError.notFound('notification', id);
    return row;
  }

  private async notifyUsers(users: Array<{ id: string; email: string }>, kind: NotificationKind, payload: Record<string, unknown>, options: NotifyOptions): Promise<number> {
    let created = 0;
    for (const user of users) {
      const rows = (await this.db.query(
        `INSERT INTO notifications (user_id, kind, payload, dedupe_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id`,
        [user.id, kind, JSON.stringify(payload), options.dedupeKey ?? null],
      )) as Array<{ id: string }>;
      if (!rows.length) continue;
      created++;
      await this.mail.send({ to: user.email, subject: SUBJECTS[kind], text: [describe(kind, payload), options.mailText].filter(Boolean).join('\n\n') });
    }
    return created;
  }
}

function describe(kind: NotificationKind, payload: Record<string, unknown>): string {
  const when = typeof payload.scheduledAt === 'string' ? ` (prévue le ${payload.scheduledAt})` : '';
  switch (kind) {
    case 'approval_requested': return `Une publication${when} attend votre validation dans Chorus.`;
    case 'approval_reminder': return `Rappel : une publication${when} attend toujours votre validation ; sans elle, elle ne partira pas sur vos comptes.`;
    case 'approval_rejected': return `Un partenaire a refusé une publication${when} : « ${String(payload.comment ?? '')} ».`;
    case 'delivery_failed': return `Une publication n'a pas pu être publiée sur l'un de vos comptes : ${String(payload.message ?? '')}`;
    case 'channel_needs_reauth': return `Un de vos comptes (${String(payload.network ?? '')} ${String(payload.handle ?? '')}) doit être reconnecté à Chorus.`;
  }
}
