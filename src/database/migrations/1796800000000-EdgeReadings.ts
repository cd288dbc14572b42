import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Edge readings (issue 21). The snapshot taken for a campaign's start or end is taken a moment
 * after that instant; indicators looked for "the last reading at or before" the edge and so used an
 * older one. `edge_at` names the instant a snapshot was taken for, so every window with that edge
 * uses exactly that reading. The partial index answers "the reading taken for edge E" in one probe;
 * such snapshots are few (two per channel and campaign) and are never thinned by retention.
 */
export class EdgeReadings1796800000000 implements MigrationInterface {
  name = 'EdgeReadings1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE follower_snapshots ADD COLUMN edge_at timestamptz`);
    // A reading cannot be taken for an edge that had not yet come.
    await q.query(`ALTER TABLE follower_snapshots ADD CONSTRAINT follower_snapshots_edge_check CHECK (edge_at IS NULL OR edge_at <= taken_at)`);
    await q.query(
      `CREATE INDEX follower_snapshots_edge_idx ON follower_snapshots (channel_id, edge_at, taken_at) INCLUDE (followers, outcome) WHERE edge_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX follower_snapshots_edge_idx`);
    await q.query(`ALTER TABLE follower_snapshots DROP CONSTRAINT follower_snapshots_edge_check`);
    await q.query(`ALTER TABLE follower_snapshots DROP COLUMN edge_at`);
  }
}
