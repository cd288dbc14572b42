import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { isPartnerViewer, Viewer } from '../../common/viewer';
import { CreatePartnerDto } from './dto/create-partner.dto';
import { UpdatePartnerDto } from './dto/update-partner.dto';
import { Partner } from './partner.entity';

@Injectable()
export class PartnerService {
  constructor(@InjectRepository(Partner) private readonly partners: Repository<Partner>) {}

  async create(dto: CreatePartnerDto): Promise<Partner> {
    if (await this.partners.existsBy({ slug: dto.slug })) {
      throw new DomainError('conflict', `A partner with slug "${dto.slug}" already exists.`, { field: 'slug' });
    }
    return this.partners.save(this.partners.create({ kind: 'other', website: null, ...dto }));
  }

  list(): Promise<Partner[]> {
    return this.partners.find({ order: { name: 'ASC' } });
  }

  /** Partners are shared within a campaign; their channels are shown to managers, reviewers and the partner itself. */
  async get(id: string, viewer?: Viewer): Promise<Partner> {
    const withChannels = !isPartnerViewer(viewer) || viewer.partnerId === id;
    const partner = await this.partners.findOne({ where: { id }, relations: { channels: withChannels } });
    if (!partner) throw DomainError.notFound('partner', id);
    return partner;
  }

  async update(id: string, dto: UpdatePartnerDto): Promise<Partner> {
    const partner = await this.get(id);
    Object.assign(partner, dto);
    delete partner.channels;
    return this.partners.save(partner);
  }

  /** Loads partners by id, failing with the list of unknown ids. */
  async requireAll(ids: string[]): Promise<Partner[]> {
    const unique = [...new Set(ids)];
    const found = unique.length ? await this.partners.findBy({ id: In(unique) }) : [];
    const missing = unique.filter((id) => !found.some((p) => p.id === id));
    if (missing.length) throw new DomainError('validation_failed', `Unknown partner id(s): ${missing.join(', ')}.`, { unknownPartnerIds: missing });
    return found;
  }
}
