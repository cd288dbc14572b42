import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue, UnrecoverableError } from 'bullmq';
import { createHmac, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '../../audit/audit.service';
import { CredentialCipher } from '../../channels/credentials/credential-cipher';
import { PublicAddressError, resolvePublicUrl } from '../../channels/media/public-address';
import { DomainError } from '../../common/errors/domain-error';
import { ENV, Env } from '../../config/env';
import { QueueName } from '../../queue/queue-names';
import { DELIVER_WEBHOOK, DeliverWebhookJob, WEBHOOK_JOB_OPTIONS } from './webhook-job';
import { sendWebhook } from './webhook-sender';

export const WEBHOOK_SIGNATURE_HEADER = 'x-chorus-signature';

/** Computes the header value a partner checks: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * One outgoing webhook per partner (optional). The secret is stored encrypted, bound to the
 * partner id, and never returned. The address must be a public server (checked when saved and
 * again at each delivery); events are queued and sent by the worker, never inside an API request.
 */
@Injectable()
export class PartnerWebhookService {
  private readonly logger = new Logger(PartnerWebhookService.name);
  private readonly cipher: CredentialCipher;
  private readonly allowPrivateHosts: boolean;

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    @InjectQueue(QueueName.Webhooks) private readonly queue: Queue<DeliverWebhookJob>,
    @Inject(ENV) env: Env,
  ) {
    this.cipher = new CredentialCipher(env.CHORUS_SECRET_KEY);
    this.allowPrivateHosts = env.OUTBOUND_ALLOW_PRIVATE_HOSTS === 'true';
  }

  async set(partnerId: string, url: string, secret: string, actor: AuditActor): Promise<{ partnerId: string; url: string }> {
    const found = await this.db.query(`SELECT 1 FROM partners WHERE id = $1`, [partnerId]);
    if (!found.length) throw DomainError.notFound('partner', partnerId);
    try {
      if (!this.allowPrivateHosts) await resolvePublicUrl(url);
    } catch (err) {
      if (!(err instanceof PublicAddressError)) throw err;
      throw DomainError.validation(`url: ${err.message}`, [{ field: 'url', problems: [err.message] }]);
    }
    const envelope = this.cipher.encrypt(`webhook:${partnerId}`, { secret } as never);
    await this.db.transaction(async (tx) => {
      const before = (await tx.query(`SELECT url FROM partner_webhooks WHERE partner_id = $1 FOR UPDATE`, [partnerId])) as Array<{ url: string }>;
      await tx.query(
        `INSERT INTO partner_webhooks (partner_id, url, secret_encrypted) VALUES ($1, $2, $3)
         ON CONFLICT (partner_id) DO UPDATE SET url = excluded.url, secret_encrypted = excluded.secret_encrypted, updated_at = now()`,
        [partnerId, url, envelope],
      );
      // The trail keeps the address, never the secret.
      await this.audit.record(
        { actor, action: 'partner.webhook_set', entityType: 'partner', entityId: partnerId, partnerId, before: before[0] ? { url: before[0].url } : null, after: { url } },
        tx,
      );
    });
    return { partnerId, url };
  }

  async remove(partnerId: string, actor: AuditActor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const removed = (await tx.query(`DELETE FROM partner_webhooks WHERE partner_id = $1 RETURNING url`, [partnerId])) as [Array<{ url: string }>, number];
      if (!removed[0].length) return;
      await this.audit.record({ actor, action: 'partner.webhook_removed', entityType: 'partner', entityId: partnerId, partnerId, before: { url: removed[0][0].url } }, tx);
    });
  }

  /** Queues the event for the worker if the partner has a webhook. Never throws: a notification must not fail its cause. */
  async deliver(partnerId: string, event: { kind: string; payload: Record<string, unknown> }): Promise<boolean> {
    try {
      const rows = (await this.db.query(`SELECT 1 FROM partner_webhooks WHERE partner_id = $1`, [partnerId])) as unknown[];
      if (!rows.length) return false;
      const job: DeliverWebhookJob = { partnerId, eventId: randomUUID(), kind: event.kind, payload: event.payload, occurredAt: new Date().toISOString() };
      await this.queue.add(DELIVER_WEBHOOK, job, { ...WEBHOOK_JOB_OPTIONS, jobId: `webhook-${job.eventId}` });
      return true;
    } catch (err) {
      this.logger.warn(`Could not queue the webhook event of partner ${partnerId}: ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * Worker side: sends one queued event. Throws to have BullMQ retry with backoff; throws an
   * UnrecoverableError when retrying cannot help (address not public, 4xx answer).
   */
  async send(job: DeliverWebhookJob): Promise<'sent' | 'no_webhook'> {
    const rows = (await this.db.query(`SELECT url, secret_encrypted FROM partner_webhooks WHERE partner_id = $1`, [job.partnerId])) as Array<{ url: string; secret_encrypted: string }>;
    const hook = rows[0];
    if (!hook) return 'no_webhook';
    const { secret } = this.cipher.decrypt(`webhook:${job.partnerId}`, hook.secret_encrypted) as unknown as { secret: string };
    const body = JSON.stringify({ id: job.eventId, kind: job.kind, payload: job.payload, partnerId: job.partnerId, sentAt: job.occurredAt });
    let outcome;
    try {
      outcome = await sendWebhook(hook.url, body, { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(secret, body) }, { allowPrivateHosts: this.allowPrivateHosts });
    } catch (err) {
      if (err instanceof PublicAddressError && err.problem !== 'lookup_failed') throw new UnrecoverableError(`Webhook of partner ${job.partnerId} refused: ${err.message}`);
      throw err;
    }
    if (outcome.ok) return 'sent';
    const message = `Webhook of partner ${job.partnerId} ${outcome.reason}`;
    throw outcome.permanent ? new UnrecoverableError(message) : new Error(message);
  }
}
