import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { actorOf, AuthenticatedUser } from '../../auth/authenticated-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Allow } from '../../common/access.decorator';
import { CreateTrackDto } from './dto/create-track.dto';
import { UpdateTrackDto } from './dto/update-track.dto';
import { TrackService } from './track.service';

@ApiTags('tracks')
@Controller('api')
export class TracksController {
  constructor(private readonly service: TrackService) {}

  @Post('campaigns/:campaignId/tracks')
  @Allow('manager')
  create(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Body() dto: CreateTrackDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.create(campaignId, dto, actorOf(user));
  }

  @Get('campaigns/:campaignId/tracks')
  @Allow('manager', 'partner', 'reviewer')
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string, @CurrentUser() user: AuthenticatedUser) {
    return this.service.list(campaignId, user);
  }

  @Get('tracks/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.service.get(id, user);
  }

  @Patch('tracks/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTrackDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.update(id, dto, actorOf(user));
  }
}
