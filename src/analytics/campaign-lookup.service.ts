import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';

/** The campaign fields every analytics answer needs. */
export interface AnalyticsCampaign {
  id: string;
  slug: string;
  name: string;
  objective: string;
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  baselineStartsAt: Date;
  baselineEndsAt: Date;
}

@Injectable()
export class CampaignLookupService {
  constructor(private readonly db: DataSource) {}

  async require(campaignId: string): Promise<AnalyticsCampaign> {
    const [row] = await this.db.query(
      `SELECT id, slug, name, objective, time_zone AS "timeZone", starts_at AS "startsAt", ends_at AS "endsAt",
              baseline_starts_at AS "baselineStartsAt", baseline_ends_at AS "baselineEndsAt"
         FROM campaigns WHERE id = $1`,
      [campaignId],
    );
    if (!row) throw DomainError.notFound('campaign', campaignId);
    return row as AnalyticsCampaign;
  }

  /** The campaign's member partners (id, slug, name), by slug. */
  partners(campaignId: string): Promise<Array<{ id: string; slug: string; name: string }>> {
    return this.db.query(
      `SELECT p.id, p.slug, p.name FROM campaign_partners cp JOIN partners p ON p.id = cp.partner_id
        WHERE cp.campaign_id = $1 ORDER BY p.slug`,
      [campaignId],
    );
  }
}
