import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditEvent } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit-query.dto';

/** Reads the trail in the order it was written (by id: occurred_at may tie). */
@Injectable()
export class AuditQueryService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  find(q: AuditQueryDto): Promise<AuditEvent[]> {
    const qb = this.events.createQueryBuilder('e');
    if (q.postId) qb.andWhere('e.post_id = :postId', { postId: q.postId });
    if (q.partnerId) qb.andWhere('e.partner_id = :partnerId', { partnerId: q.partnerId });
    if (q.campaignId) qb.andWhere('e.campaign_id = :campaignId', { campaignId: q.campaignId });
    if (q.from) qb.andWhere('e.occurred_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('e.occurred_at < :to', { to: q.to });
    if (q.after !== undefined) qb.andWhere('e.id > :after', { after: q.after });
    return qb.orderBy('e.id', 'ASC').limit(q.limit ?? 500).getMany();
  }
}
