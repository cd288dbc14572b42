import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * deliveries.resolved_link: the link this delivery publishes, beside its resolved text. With a
 * public address it is the delivery's tracked short link (the one in the approved text), else the
 * post's link. Networks that take the link apart from the text (Facebook's `link`, a Bluesky card)
 * get this value, so the preview card and the text point at the same tracked address.
 *
 * Deliveries still waiting get it from their text where their short link already sits there; the
 * others keep NULL, which the publisher reads as the post's link (the behaviour before).
 */
export class DeliveryResolvedLink1796400000000 implements MigrationInterface {
  name = 'DeliveryResolvedLink1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN resolved_link text`);
    await q.query(
      `UPDATE deliveries d
          SET resolved_link = substring(d.resolved_text FROM '(https?://[^[:space:]]*/l/' || l.code || ')(?![A-Za-z0-9])')
         FROM tracked_links l
        WHERE l.delivery_id = d.id
          AND d.status IN ('pending_approval', 'approved', 'queued', 'publishing')
          AND d.resolved_text ~ ('/l/' || l.code || '(?![A-Za-z0-9])')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN resolved_link`);
  }
}
