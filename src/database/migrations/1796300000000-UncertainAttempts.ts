import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a delivery's earlier attempts left unsettled (see DeliveryRepository.attemptHistory):
 * - uncertain_since: the first attempt whose answer was lost (timeout, reset, 5xx on the create
 *   call) and which the network may therefore have applied. While set, every later attempt first
 *   looks on the network, after the recheck delay, before sending again.
 * - attempt_refs: what attempts left on the network that a later one must check first
 *   (Instagram: the container id of each attempt).
 * Both are written only in the rare paths that need them; the common publication never touches them.
 */
export class UncertainAttempts1796300000000 implements MigrationInterface {
  name = 'UncertainAttempts1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN uncertain_since timestamptz, ADD COLUMN attempt_refs text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN attempt_refs, DROP COLUMN uncertain_since`);
  }
}
