import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/access.decorator';
import { Actor } from '../common/actor.decorator';
import type { AuditActor } from '../audit/audit.service';
import { ChannelService } from './channel.service';
import { CreateChannelDto } from './dto/create-channel.dto';
import { SetCredentialsDto } from './dto/set-credentials.dto';
import { UpdateChannelDto } from './dto/update-channel.dto';

@ApiTags('channels')
@Controller('api')
export class ChannelsController {
  constructor(private readonly service: ChannelService) {}

  @Post('partners/:partnerId/channels')
  @Allow('manager')
  create(@Param('partnerId', ParseUUIDPipe) partnerId: string, @Body() dto: CreateChannelDto, @Actor() actor: AuditActor) {
    return this.service.create(partnerId, dto, actor);
  }

  @Get('channels')
  @Allow('manager', 'partner', 'reviewer')
  @ApiQuery({ name: 'partnerId', required: false })
  list(@Query('partnerId', new ParseUUIDPipe({ optional: true })) partnerId?: string) {
    return this.service.list({ partnerId });
  }

  @Get('channels/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Patch('channels/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateChannelDto, @Actor() actor: AuditActor) {
    return this.service.update(id, dto, actor);
  }

  /** Write-only: the answer shows that credentials are set, never what they are. */
  @Put('channels/:id/credentials')
  @Allow('manager')
  setCredentials(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SetCredentialsDto, @Actor() actor: AuditActor) {
    return this.service.setCredentials(id, dto.credentials, actor);
  }
}
