import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `queued` merges into `approved`: both meant "goes out at its minute" to a user (pages and
 * post statuses already showed them alike), the difference was whether a Redis job had been added,
 * which is transport bookkeeping. That bookkeeping is now `enqueued_at`: set when the delivery's
 * job is added (only once it is due within the publish horizon), cleared when it has none, so the
 * promoter finds the deliveries entering the horizon without asking Redis.
 *
 * deliveries_due_idx keeps serving every "ready and due before …" read (promoter, reconciler,
 * queue lag), now on the one waiting status.
 */
export class OneWaitingStatus1796100000000 implements MigrationInterface {
  name = 'OneWaitingStatus1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN enqueued_at timestamptz`);
    // Every queued delivery had a job added; an approved one had not.
    await q.query(`UPDATE deliveries SET status = 'approved', enqueued_at = updated_at WHERE status = 'queued'`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check`);
    await q.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
                     CHECK (status IN ('pending_approval', 'approved', 'publishing', 'published', 'failed', 'skipped', 'cancelled'))`);
    await q.query(`DROP INDEX deliveries_due_idx`);
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (due_at) WHERE status = 'approved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_due_idx`);
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (due_at) WHERE status IN ('approved', 'queued')`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check`);
    await q.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
                     CHECK (status IN ('pending_approval', 'approved', 'queued', 'publishing', 'published', 'failed', 'skipped', 'cancelled'))`);
    await q.query(`UPDATE deliveries SET status = 'queued' WHERE status = 'approved' AND enqueued_at IS NOT NULL`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN enqueued_at`);
  }
}
