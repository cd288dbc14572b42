import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditActor, AuditService } from '../../audit/audit.service';
import { DomainError } from '../../common/errors/domain-error';
import { Viewer } from '../../common/viewer';
import { parseTimeField } from '../campaign-time';
import { CampaignService } from '../campaign.service';
import { Track } from '../tracks/track.entity';
import { Action } from './action.entity';
import { CreateActionDto } from './dto/create-action.dto';
import { UpdateActionDto } from './dto/update-action.dto';

@Injectable()
export class ActionService {
  constructor(
    @InjectRepository(Action) private readonly actions: Repository<Action>,
    @InjectRepository(Track) private readonly tracks: Repository<Track>,
    private readonly campaigns: CampaignService,
    private readonly audit: AuditService,
  ) {}

  async create(campaignId: string, dto: CreateActionDto, actor: AuditActor): Promise<Action> {
    const campaign = await this.campaigns.require(campaignId);
    if (dto.trackId) await this.requireTrackOf(campaignId, dto.trackId);
    const occursAt = parseTimeField('occursAt', dto.occursAt, campaign.timeZone);
    const saved = await this.actions.save(
      this.actions.create({ campaignId, trackId: dto.trackId ?? null, title: dto.title, description: dto.description ?? '', occursAt }),
    );
    await this.audit.record({ actor, action: 'action.created', entityType: 'action', entityId: saved.id, campaignId, after: { title: dto.title, occursAt } });
    return saved;
  }

  async list(campaignId: string, viewer?: Viewer): Promise<Action[]> {
    await this.campaigns.require(campaignId, viewer);
    return this.actions.find({ where: { campaignId }, order: { occursAt: 'ASC' } });
  }

  async get(id: string, viewer?: Viewer): Promise<Action> {
    const action = await this.actions.findOneBy({ id });
    if (!action) throw DomainError.notFound('action', id);
    if (viewer) await this.campaigns.require(action.campaignId, viewer).catch(() => Promise.reject(DomainError.notFound('action', id)));
    return action;
  }

  async update(id: string, dto: UpdateActionDto, actor: AuditActor): Promise<Action> {
    const action = await this.get(id);
    const campaign = await this.campaigns.require(action.campaignId);
    if (dto.trackId) await this.requireTrackOf(action.campaignId, dto.trackId);
    const patch: Partial<Action> = {};
    if (dto.title !== undefined) patch.title = dto.title;
    if (dto.description !== undefined) patch.description = dto.description;
    if (dto.trackId !== undefined) patch.trackId = dto.trackId;
    if (dto.occursAt !== undefined) patch.occursAt = parseTimeField('occursAt', dto.occursAt, campaign.timeZone);
    if (Object.keys(patch).length) await this.actions.update(id, patch);
    await this.audit.record({ actor, action: 'action.updated', entityType: 'action', entityId: id, campaignId: action.campaignId, after: { ...patch } });
    return this.get(id);
  }

  private async requireTrackOf(campaignId: string, trackId: string): Promise<void> {
    if (!(await this.tracks.existsBy({ id: trackId, campaignId }))) {
      throw DomainError.validation(`trackId: track ${trackId} is not a track of this campaign.`, { field: 'trackId' });
    }
  }
}
