import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { DomainError } from '../../common/errors/domain-error';
import { CampaignLookupService } from '../campaign-lookup.service';
import { assertActsFor, seesDetailsOf } from '../request-viewer';
import { day } from '../pg-numbers';
import { CreateCampaignCodeDto, RecordConversionDto } from './dto/record-conversion.dto';

/**
 * "New customers" partners record for a campaign (the second result indicator), and the campaign
 * codes handed out per partner. Totals are shared with everyone; the rows (dates, notes, who
 * recorded) are shown to the partner's own users, managers and reviewers.
 */
@Injectable()
export class ConversionService {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignLookupService,
  ) {}

  async record(campaignId: string, user: AuthenticatedUser, dto: RecordConversionDto) {
    await this.campaigns.require(campaignId);
    const partnerId = dto.partnerId ?? (user.role === 'partner' ? user.partnerId : null);
    if (!partnerId) throw DomainError.validation('partnerId: say which partner these customers are for.', [{ field: 'partnerId', problems: ['partnerId is required'] }]);
    assertActsFor(user, partnerId);
    await this.requireMember(campaignId, partnerId);
    let codeId: string | null = null;
    if (dto.code) {
      if (dto.source !== 'campaign_code') throw DomainError.validation('code is only for source campaign_code.', [{ field: 'code', problems: ['code needs source campaign_code'] }]);
      const [code] = await this.db.query(
        `SELECT id FROM campaign_codes WHERE campaign_id = $1 AND partner_id = $2 AND upper(code) = upper($3)`,
        [campaignId, partnerId, dto.code],
      );
      if (!code) throw DomainError.validation(`No campaign code "${dto.code}" for this partner.`, [{ field: 'code', problems: ['unknown code'] }]);
      codeId = code.id;
    }
    const [row] = await this.db.query(
      `INSERT INTO conversions (campaign_id, partner_id, occurred_on, count, source, campaign_code_id, note, recorded_by, recorded_by_label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING id, partner_id, occurred_on, count, source, campaign_code_id, note, created_at`,
      [campaignId, partnerId, dto.occurredOn, dto.count, dto.source, codeId, dto.note ?? '', user.id, user.email],
    );
    return toConversion({ ...row, recorded_by_name: user.name });
  }

  async list(campaignId: string, user: AuthenticatedUser) {
    await this.campaigns.require(campaignId);
    const rows: Record<string, unknown>[] = await this.db.query(
      // People are shown by name: the stored label is an e-mail address, which funders need not see.
      `SELECT c.id, c.partner_id, c.occurred_on, c.count, c.source, c.campaign_code_id, c.note, u.name AS recorded_by_name, c.created_at
         FROM conversions c LEFT JOIN users u ON u.id = c.recorded_by
        WHERE c.campaign_id = $1 ORDER BY c.occurred_on, c.created_at`,
      [campaignId],
    );
    const totals = new Map<string, { partnerId: string; count: number; bySource: Record<string, number> }>();
    for (const r of rows) {
      const id = String(r.partner_id);
      const t = totals.get(id) ?? { partnerId: id, count: 0, bySource: {} };
      t.count += Number(r.count);
      t.bySource[String(r.source)] = (t.bySource[String(r.source)] ?? 0) + Number(r.count);
      totals.set(id, t);
    }
    return {
      totals: [...totals.values()],
      total: [...totals.values()].reduce((a, t) => a + t.count, 0),
      conversions: rows.filter((r) => seesDetailsOf(user, String(r.partner_id))).map(toConversion),
    };
  }

  async createCode(campaignId: string, user: AuthenticatedUser, dto: CreateCampaignCodeDto) {
    await this.campaigns.require(campaignId);
    assertActsFor(user, dto.partnerId);
    await this.requireMember(campaignId, dto.partnerId);
    const [row] = await this.db.query(
      `INSERT INTO campaign_codes (campaign_id, partner_id, code) VALUES ($1, $2, $3) RETURNING id, partner_id, code, created_at`,
      [campaignId, dto.partnerId, dto.code],
    );
    return { id: row.id, partnerId: row.partner_id, code: row.code, createdAt: row.created_at };
  }

  async listCodes(campaignId: string, user: AuthenticatedUser) {
    await this.campaigns.require(campaignId);
    const rows: Array<{ id: string; partner_id: string; code: string; created_at: Date; conversions: number }> = await this.db.query(
      `SELECT k.id, k.partner_id, k.code, k.created_at, coalesce(sum(c.count), 0)::int AS conversions
         FROM campaign_codes k LEFT JOIN conversions c ON c.campaign_code_id = k.id
        WHERE k.campaign_id = $1 AND ($2::uuid IS NULL OR k.partner_id = $2)
        GROUP BY k.id ORDER BY k.code`,
      [campaignId, user.role === 'partner' ? user.partnerId : null],
    );
    return rows.map((r) => ({ id: r.id, partnerId: r.partner_id, code: r.code, createdAt: r.created_at, conversions: r.conversions }));
  }

  private async requireMember(campaignId: string, partnerId: string): Promise<void> {
    const [member] = await this.db.query(`SELECT 1 FROM campaign_partners WHERE campaign_id = $1 AND partner_id = $2`, [campaignId, partnerId]);
    if (!member) throw DomainError.validation('This partner is not a member of the campaign.', [{ field: 'partnerId', problems: ['not a campaign member'] }]);
  }
}

function toConversion(r: Record<string, unknown>) {
  return {
    id: r.id,
    partnerId: r.partner_id,
    occurredOn: day(r.occurred_on),
    count: Number(r.count),
    source: r.source,
    campaignCodeId: r.campaign_code_id ?? null,
    note: r.note,
    recordedBy: (r.recorded_by_name as string | null) ?? null,
    createdAt: r.created_at,
  };
}
