import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { isPartnerViewer, Viewer } from '../common/viewer';
import { Action } from './actions/action.entity';
import { Campaign } from './campaign.entity';
import { parseTimeField } from './campaign-time';
import { AddPartnersDto } from './dto/add-partners.dto';
import { CreateCampaignDto } from './dto/create-campaign.dto';
import { UpdateCampaignDto } from './dto/update-campaign.dto';
import { PartnerService } from './partners/partner.service';
import { Track } from './tracks/track.entity';

const DAY_MS = 86_400_000;
const DEFAULT_BASELINE_DAYS = 28;

@Injectable()
export class CampaignService {
  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    @InjectRepository(Track) private readonly tracks: Repository<Track>,
    @InjectRepository(Action) private readonly actions: Repository<Action>,
    private readonly partners: PartnerService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateCampaignDto, actor: AuditActor) {
    if (await this.campaigns.existsBy({ slug: dto.slug })) {
      throw new DomainError('conflict', `A campaign with slug "${dto.slug}" already exists.`, { field: 'slug' });
    }
    const window = this.window(dto, dto.timeZone);
    const memberIds = [...new Set([...dto.partnerIds, ...(dto.operatorPartnerId ? [dto.operatorPartnerId] : [])])];
    const members = await this.partners.requireAll(memberIds);
    const id = await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(Campaign);
      const saved = await repo.save(
        repo.create({
          slug: dto.slug,
          name: dto.name,
          objective: dto.objective ?? '',
          timeZone: dto.timeZone,
          language: dto.language ?? null,
          ...window,
          operatorPartnerId: dto.operatorPartnerId ?? null,
          partners: members,
        }),
      );
      await this.audit.record({ actor, action: 'campaign.created', entityType: 'campaign', entityId: saved.id, campaignId: saved.id, after: { slug: dto.slug, name: dto.name } }, tx);
      return saved.id;
    });
    return this.get(id);
  }

  /** A partner user sees the campaigns its partner is a member of. */
  list(viewer?: Viewer): Promise<Campaign[]> {
    if (isPartnerViewer(viewer)) {
      return this.campaigns
        .createQueryBuilder('c')
        .innerJoin('campaign_partners', 'cp', 'cp.campaign_id = c.id AND cp.partner_id = :partnerId', { partnerId: viewer.partnerId })
        .orderBy('c.starts_at', 'DESC')
        .getMany();
    }
    return this.campaigns.find({ order: { startsAt: 'DESC' } });
  }

  /** The campaign with its partners, tracks (leaders and members) and actions. */
  async get(id: string, viewer?: Viewer) {
    const campaign = await this.campaigns.findOne({ where: { id }, relations: { partners: true }, order: { partners: { name: 'ASC' } } });
    if (!campaign || !this.canSee(campaign, viewer)) throw DomainError.notFound('campaign', id);
    const [tracks, actions] = await Promise.all([
      this.tracks.find({ where: { campaignId: id }, relations: { partners: true }, order: { name: 'ASC' } }),
      this.actions.find({ where: { campaignId: id }, order: { occursAt: 'ASC' } }),
    ]);
    return { ...campaign, tracks, actions };
  }

  /** The campaign with its member partners; unknown to a partner user whose partner is not a member. */
  async require(id: string, viewer?: Viewer): Promise<Campaign> {
    const campaign = await this.campaigns.findOne({ where: { id }, relations: { partners: true } });
    if (!campaign || !this.canSee(campaign, viewer)) throw DomainError.notFound('campaign', id);
    return campaign;
  }

  private canSee(campaign: Campaign, viewer?: Viewer): boolean {
    return !isPartnerViewer(viewer) || (campaign.partners ?? []).some((p) => p.id === viewer.partnerId);
  }

  async update(id: string, dto: UpdateCampaignDto, actor: AuditActor) {
    const campaign = await this.require(id);
    const window = this.window(
      {
        startsAt: dto.startsAt ?? campaign.startsAt.toISOString(),
        endsAt: dto.endsAt ?? campaign.endsAt.toISOString(),
        baselineStartsAt: dto.baselineStartsAt ?? (dto.startsAt ? undefined : campaign.baselineStartsAt.toISOString()),
        baselineEndsAt: dto.baselineEndsAt ?? (dto.startsAt ? undefined : campaign.baselineEndsAt.toISOString()),
      },
      campaign.timeZone,
    );
    const patch = { ...(dto.name !== undefined ? { name: dto.name } : {}), ...(dto.objective !== undefined ? { objective: dto.objective } : {}), ...(dto.language !== undefined ? { language: dto.language } : {}), ...window };
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(Campaign).update(id, patch);
      await this.audit.record({ actor, action: 'campaign.updated', entityType: 'campaign', entityId: id, campaignId: id, after: { ...patch } }, tx);
    });
    return this.get(id);
  }

  async addPartners(id: string, dto: AddPartnersDto, actor: AuditActor) {
    await this.require(id);
    await this.partners.requireAll(dto.partnerIds);
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO campaign_partners (campaign_id, partner_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
        [id, dto.partnerIds],
      );
      await this.audit.record({ actor, action: 'campaign.partners_added', entityType: 'campaign', entityId: id, campaignId: id, after: { partnerIds: dto.partnerIds } }, tx);
    });
    return this.get(id);
  }

  /** Fails unless every partner is a member of the campaign; names the ones that are not. */
  async requireMembers(campaign: Campaign, partnerIds: string[], field: string): Promise<void> {
    const members = new Set((campaign.partners ?? []).map((p) => p.id));
    const outsiders = [...new Set(partnerIds)].filter((id) => !members.has(id));
    if (outsiders.length) {
      throw DomainError.validation(`${field}: partner(s) ${outsiders.join(', ')} are not members of campaign "${campaign.slug}". Add them to the campaign first.`, {
        field,
        notMembers: outsiders,
      });
    }
  }

  private window(
    input: { startsAt: string; endsAt: string; baselineStartsAt?: string; baselineEndsAt?: string },
    timeZone: string,
  ): Pick<Campaign, 'startsAt' | 'endsAt' | 'baselineStartsAt' | 'baselineEndsAt'> {
    const startsAt = parseTimeField('startsAt', input.startsAt, timeZone);
    const endsAt = parseTimeField('endsAt', input.endsAt, timeZone);
    if (endsAt <= startsAt) throw DomainError.validation('endsAt must be after startsAt.', { field: 'endsAt' });
    const baselineEndsAt = input.baselineEndsAt ? parseTimeField('baselineEndsAt', input.baselineEndsAt, timeZone) : startsAt;
    const baselineStartsAt = input.baselineStartsAt
      ? parseTimeField('baselineStartsAt', input.baselineStartsAt, timeZone)
      : new Date(baselineEndsAt.getTime() - DEFAULT_BASELINE_DAYS * DAY_MS);
    if (baselineEndsAt > startsAt) throw DomainError.validation('The baseline window must end at or before the campaign starts.', { field: 'baselineEndsAt' });
    if (baselineStartsAt >= baselineEndsAt) throw DomainError.validation('baselineStartsAt must be before baselineEndsAt.', { field: 'baselineStartsAt' });
    return { startsAt, endsAt, baselineStartsAt, baselineEndsAt };
  }
}
