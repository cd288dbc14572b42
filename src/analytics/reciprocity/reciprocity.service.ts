import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CampaignLookupService } from '../campaign-lookup.service';
import { RECIPROCITY_PAIRS_SQL, RECIPROCITY_PLANNER_SETTING } from '../indicators.sql';
import { resolveWindow } from '../analytics-window';

/**
 * Who carried posts featuring whom: for every (publishing partner, featured partner) pair, the
 * published deliveries on the publisher's channels whose post featured the other partner.
 */
@Injectable()
export class ReciprocityService {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignLookupService,
  ) {}

  /** Without from/to: every published delivery of the campaign's posts, whenever it went out. */
  async forCampaign(campaignId: string, query: { from?: string; to?: string }) {
    const campaign = await this.campaigns.require(campaignId);
    const window = query.from || query.to ? resolveWindow(campaign, query) : null;
    const [partners, pairs] = await Promise.all([
      this.campaigns.partners(campaignId),
      this.db.transaction(async (tx) => {
        await tx.query(RECIPROCITY_PLANNER_SETTING);
        return tx.query(RECIPROCITY_PAIRS_SQL, [campaignId, window?.from ?? '-infinity', window?.to ?? 'infinity']) as Promise<
          Array<{ publisher_id: string; featured_id: string; deliveries: number }>
        >;
      }),
    ]);
    const perPartner = partners.map((p) => {
      const carriedBy = pairs.filter((x) => x.featured_id === p.id);
      const carried = pairs.filter((x) => x.publisher_id === p.id);
      return {
        partnerId: p.id,
        slug: p.slug,
        name: p.name,
        /** How many other partners published deliveries featuring this partner, and how many deliveries. */
        carriedByPartners: carriedBy.length,
        deliveriesFeaturingIt: carriedBy.reduce((a, x) => a + x.deliveries, 0),
        /** How many other partners this partner featured on its own channels, and in how many deliveries. */
        partnersCarried: carried.length,
        deliveriesCarried: carried.reduce((a, x) => a + x.deliveries, 0),
      };
    });
    return {
      campaignId,
      window: window ? { from: window.from.toISOString(), to: window.to.toISOString() } : { from: null, to: null },
      partners: perPartner,
      pairs: pairs.map((x) => ({ publisherId: x.publisher_id, featuredId: x.featured_id, deliveries: x.deliveries })),
      /** matrix[publisher][featured] = published deliveries; rows and columns in `partners` order. */
      matrix: partners.map((pub) => partners.map((feat) => pairs.find((x) => x.publisher_id === pub.id && x.featured_id === feat.id)?.deliveries ?? 0)),
    };
  }
}
