import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditActor } from '../../audit/audit.service';
import { Allow } from '../../common/access.decorator';
import { Actor } from '../../common/actor.decorator';
import { CreateTrackDto } from './dto/create-track.dto';
import { UpdateTrackDto } from './dto/update-track.dto';
import { TrackService } from './track.service';

@ApiTags('tracks')
@Controller('api')
export class TracksController {
  constructor(private readonly service: TrackService) {}

  @Post('campaigns/:campaignId/tracks')
  @Allow('manager')
  create(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Body() dto: CreateTrackDto, @Actor() actor: AuditActor) {
    return this.service.create(campaignId, dto, actor);
  }

  @Get('campaigns/:campaignId/tracks')
  @Allow('manager', 'partner', 'reviewer')
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string) {
    return this.service.list(campaignId);
  }

  @Get('tracks/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Patch('tracks/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTrackDto, @Actor() actor: AuditActor) {
    return this.service.update(id, dto, actor);
  }
}
