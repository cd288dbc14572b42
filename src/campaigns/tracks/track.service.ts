import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditActor, AuditService } from '../../audit/audit.service';
import { DomainError } from '../../common/errors/domain-error';
import { Viewer } from '../../common/viewer';
import { CampaignService } from '../campaign.service';
import { CreateTrackDto } from './dto/create-track.dto';
import { UpdateTrackDto } from './dto/update-track.dto';
import { TrackPartner } from './track-partner.entity';
import { Track } from './track.entity';

@Injectable()
export class TrackService {
  constructor(
    @InjectRepository(Track) private readonly tracks: Repository<Track>,
    private readonly campaigns: CampaignService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(campaignId: string, dto: CreateTrackDto, actor: AuditActor): Promise<Track> {
    const campaign = await this.campaigns.require(campaignId);
    const roles = this.roles(dto);
    await this.campaigns.requireMembers(campaign, roles.map((r) => r.partnerId), 'leaderPartnerIds/memberPartnerIds');
    if (await this.tracks.existsBy({ campaignId, name: dto.name })) {
      throw new DomainError('conflict', `Campaign "${campaign.slug}" already has a track named "${dto.name}".`, { field: 'name' });
    }
    const id = await this.dataSource.transaction(async (tx) => {
      const saved = await tx.getRepository(Track).save(
        tx.getRepository(Track).create({
          campaignId,
          name: dto.name,
          objective: dto.objective ?? '',
          outputIndicators: dto.outputIndicators ?? [],
          resultIndicators: dto.resultIndicators ?? [],
        }),
      );
      if (roles.length) await tx.getRepository(TrackPartner).insert(roles.map((r) => ({ ...r, trackId: saved.id })));
      await this.audit.record({ actor, action: 'track.created', entityType: 'track', entityId: saved.id, campaignId, after: { name: dto.name } }, tx);
      return saved.id;
    });
    return this.get(id);
  }

  async list(campaignId: string, viewer?: Viewer): Promise<Track[]> {
    await this.campaigns.require(campaignId, viewer);
    return this.tracks.find({ where: { campaignId }, relations: { partners: true }, order: { name: 'ASC' } });
  }

  async get(id: string, viewer?: Viewer): Promise<Track> {
    const track = await this.tracks.findOne({ where: { id }, relations: { partners: true } });
    if (!track) throw DomainError.notFound('track', id);
    if (viewer) await this.campaigns.require(track.campaignId, viewer).catch(() => Promise.reject(DomainError.notFound('track', id)));
    return track;
  }

  async update(id: string, dto: UpdateTrackDto, actor: AuditActor): Promise<Track> {
    const track = await this.get(id);
    const campaign = await this.campaigns.require(track.campaignId);
    const replaceRoles = dto.leaderPartnerIds !== undefined || dto.memberPartnerIds !== undefined;
    const roles = replaceRoles
      ? this.roles({
          leaderPartnerIds: dto.leaderPartnerIds ?? track.partners?.filter((p) => p.role === 'leader').map((p) => p.partnerId),
          memberPartnerIds: dto.memberPartnerIds ?? track.partners?.filter((p) => p.role === 'member').map((p) => p.partnerId),
        })
      : [];
    if (replaceRoles) await this.campaigns.requireMembers(campaign, roles.map((r) => r.partnerId), 'leaderPartnerIds/memberPartnerIds');
    await this.dataSource.transaction(async (tx) => {
      const patch: Partial<Track> = {};
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.objective !== undefined) patch.objective = dto.objective;
      if (dto.outputIndicators !== undefined) patch.outputIndicators = dto.outputIndicators;
      if (dto.resultIndicators !== undefined) patch.resultIndicators = dto.resultIndicators;
      if (Object.keys(patch).length) await tx.getRepository(Track).update(id, patch as never);
      if (replaceRoles) {
        await tx.getRepository(TrackPartner).delete({ trackId: id });
        if (roles.length) await tx.getRepository(TrackPartner).insert(roles.map((r) => ({ ...r, trackId: id })));
      }
      await this.audit.record({ actor, action: 'track.updated', entityType: 'track', entityId: id, campaignId: track.campaignId, after: { ...dto } }, tx);
    });
    return this.get(id);
  }

  /** A partner listed as both leader and member is a leader. */
  private roles(dto: Pick<CreateTrackDto, 'leaderPartnerIds' | 'memberPartnerIds'>): Array<Pick<TrackPartner, 'partnerId' | 'role'>> {
    const leaders = new Set(dto.leaderPartnerIds ?? []);
    const members = [...new Set(dto.memberPartnerIds ?? [])].filter((id) => !leaders.has(id));
    return [...[...leaders].map((partnerId) => ({ partnerId, role: 'leader' as const })), ...members.map((partnerId) => ({ partnerId, role: 'member' as const }))];
  }
}
