import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The language of a campaign's posts, read by the publisher for each delivery (one primary-key
 * read, next to a network call that takes hundreds of milliseconds: not worth a cache that would
 * make a change of language lag).
 */
@Injectable()
export class CampaignLanguages {
  constructor(private readonly db: DataSource) {}

  async of(campaignId: string): Promise<string | null> {
    const rows = (await this.db.query(`SELECT language FROM campaigns WHERE id = $1`, [campaignId])) as Array<{ language: string | null }>;
    return rows[0]?.language ?? null;
  }
}
