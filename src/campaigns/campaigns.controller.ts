import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditActor } from '../audit/audit.service';
import { Allow } from '../common/access.decorator';
import { Actor } from '../common/actor.decorator';
import { CampaignService } from './campaign.service';
import { AddPartnersDto } from './dto/add-partners.dto';
import { CreateCampaignDto } from './dto/create-campaign.dto';
import { UpdateCampaignDto } from './dto/update-campaign.dto';

@ApiTags('campaigns')
@Controller('api/campaigns')
export class CampaignsController {
  constructor(private readonly service: CampaignService) {}

  @Post()
  @Allow('manager')
  create(@Body() dto: CreateCampaignDto, @Actor() actor: AuditActor) {
    return this.service.create(dto, actor);
  }

  @Get()
  @Allow('manager', 'partner', 'reviewer')
  list() {
    return this.service.list();
  }

  @Get(':id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Patch(':id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCampaignDto, @Actor() actor: AuditActor) {
    return this.service.update(id, dto, actor);
  }

  @Post(':id/partners')
  @Allow('manager')
  addPartners(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AddPartnersDto, @Actor() actor: AuditActor) {
    return this.service.addPartners(id, dto, actor);
  }
}
