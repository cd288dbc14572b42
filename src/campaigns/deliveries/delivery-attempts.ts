import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What earlier attempts of a delivery left unsettled on the network. */
export interface AttemptHistory {
  /** An earlier attempt's answer was lost, so the network may hold the post: look before sending. */
  uncertain: boolean;
  /** Network-side handles those attempts left (Instagram container ids), oldest first. */
  attemptRefs: string[];
}

/**
 * The memory of a delivery's attempts whose outcome the network did not tell (DESIGN "lost
 * answers"): a flag that makes every later attempt look first, and the refs an adapter asked to
 * keep. Both columns belong to the attempt in progress, so each write requires the claim token,
 * like every transition of a claimed delivery: a worker whose claim was taken over writes nothing.
 * Written only on the rare paths that need them (a lost answer, an Instagram container), read only
 * by a retry (attempts > 1): the common publication pays nothing for them.
 */
@Injectable()
export class DeliveryAttempts {
  constructor(private readonly db: DataSource) {}

  async history(deliveryId: string): Promise<AttemptHistory> {
    const rows = (await this.db.query(`SELECT uncertain_since, attempt_refs FROM deliveries WHERE id = $1`, [deliveryId])) as Array<{
      uncertain_since: Date | null;
      attempt_refs: string[] | null;
    }>;
    const r = rows[0];
    return { uncertain: Boolean(r?.uncertain_since), attemptRefs: r?.attempt_refs ?? [] };
  }

  /** This attempt's answer was lost: from now on, every attempt looks on the network first. */
  async markUncertain(deliveryId: string, claimToken: string): Promise<boolean> {
    return this.update(`uncertain_since = coalesce(uncertain_since, now())`, deliveryId, claimToken, []);
  }

  /** Keeps a ref of this attempt (written before the call that may publish it). */
  async rememberRef(deliveryId: string, claimToken: string, ref: string): Promise<boolean> {
    return this.update(`attempt_refs = array_append(attempt_refs, $3::text)`, deliveryId, claimToken, [ref]);
  }

  private async update(set: string, deliveryId: string, claimToken: string, extra: unknown[]): Promise<boolean> {
    const result = (await this.db.query(
      `UPDATE deliveries SET ${set} WHERE id = $1 AND status = 'publishing' AND claimed_by = $2 RETURNING id`,
      [deliveryId, claimToken, ...extra],
    )) as unknown;
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
    return rows.length > 0;
  }
}
