import { Inject, Injectable, Logger } from '@nestjs/common';
import axios from 'axios';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CredentialCipher } from '../channels/credentials/credential-cipher';
import { DomainError } from '../common/errors/domain-error';
import { ENV, Env } from '../config/env';

export const WEBHOOK_SIGNATURE_HEADER = 'x-chorus-signature';

/** Computes the header value a partner checks: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * One outgoing webhook per partner (optional). The secret is stored encrypted, bound to the
 * partner id, and never returned.
 */
@Injectable()
export class PartnerWebhookService {
  private readonly logger = new Logger(PartnerWebhookService.name);
  private readonly cipher: CredentialCipher;

  constructor(
    private readonly db: DataSource,
    @Inject(ENV) env: Env,
  ) {
    this.cipher = new CredentialCipher(env.CHORUS_SECRET_KEY);
  }

  async set(partnerId: string, url: string, secret: string): Promise<{ partnerId: string; url: string }> {
    const found = await this.db.query(`SELECT 1 FROM partners WHERE id = $1`, [partnerId]);
    if (!found.length) throw DomainError.notFound('partner', partnerId);
    const envelope = this.cipher.encrypt(`webhook:${partnerId}`, { secret } as never);
    await this.db.query(
      `INSERT INTO partner_webhooks (partner_id, url, secret_encrypted) VALUES ($1, $2, $3)
       ON CONFLICT (partner_id) DO UPDATE SET url = excluded.url, secret_encrypted = excluded.secret_encrypted, updated_at = now()`,
      [partnerId, url, envelope],
    );
    return { partnerId, url };
  }

  async remove(partnerId: string): Promise<void> {
    await this.db.query(`DELETE FROM partner_webhooks WHERE partner_id = $1`, [partnerId]);
  }

  /** Posts the event if the partner has a webhook. Never throws: the partner's server is not ours. */
  async deliver(partnerId: string, event: { kind: string; payload: Record<string, unknown> }): Promise<boolean> {
    const rows = (await this.db.query(`SELECT url, secret_encrypted FROM partner_webhooks WHERE partner_id = $1`, [partnerId])) as Array<{ url: string; secret_encrypted: string }>;
    const hook = rows[0];
    if (!hook) return false;
    try {
      const { secret } = this.cipher.decrypt(`webhook:${partnerId}`, hook.secret_encrypted) as unknown as { secret: string };
      const body = JSON.stringify({ ...event, partnerId, sentAt: new Date().toISOString() });
      await axios.post(hook.url, body, {
        headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(secret, body) },
        timeout: 5000,
        maxRedirects: 0,
      });
      return true;
    } catch (err) {
      this.logger.warn(`Webhook of partner ${partnerId} failed: ${(err as Error).message}`);
      return false;
    }
  }
}
