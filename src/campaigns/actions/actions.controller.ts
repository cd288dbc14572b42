import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditActor } from '../../audit/audit.service';
import { Allow } from '../../common/access.decorator';
import { Actor } from '../../common/actor.decorator';
import { ActionService } from './action.service';
import { CreateActionDto } from './dto/create-action.dto';
import { UpdateActionDto } from './dto/update-action.dto';

@ApiTags('actions')
@Controller('api')
export class ActionsController {
  constructor(private readonly service: ActionService) {}

  @Post('campaigns/:campaignId/actions')
  @Allow('manager')
  create(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Body() dto: CreateActionDto, @Actor() actor: AuditActor) {
    return this.service.create(campaignId, dto, actor);
  }

  @Get('campaigns/:campaignId/actions')
  @Allow('manager', 'partner', 'reviewer')
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string) {
    return this.service.list(campaignId);
  }

  @Get('actions/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Patch('actions/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateActionDto, @Actor() actor: AuditActor) {
    return this.service.update(id, dto, actor);
  }
}
