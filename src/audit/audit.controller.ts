import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/access.decorator';
import { AuditQueryService } from './audit-query.service';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Controller('api/audit-events')
export class AuditController {
  constructor(private readonly query: AuditQueryService) {}

  /** Oldest first; filter by post, partner, campaign and time window. */
  @Get()
  @Allow('manager')
  list(@Query() q: AuditQueryDto) {
    return this.query.find(q);
  }
}
