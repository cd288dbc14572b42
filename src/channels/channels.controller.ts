import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { actorOf, AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Allow } from '../common/access.decorator';
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
  create(@Param('partnerId', ParseUUIDPipe) partnerId: string, @Body() dto: CreateChannelDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.create(partnerId, dto, actorOf(user));
  }

  @Get('channels')
  @Allow('manager', 'partner', 'reviewer')
  @ApiQuery({ name: 'partnerId', required: false })
  list(@CurrentUser() user: AuthenticatedUser, @Query('partnerId', new ParseUUIDPipe({ optional: true })) partnerId?: string) {
    return this.service.list({ partnerId }, user);
  }

  @Get('channels/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.service.get(id, user);
  }

  @Patch('channels/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateChannelDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.update(id, dto, actorOf(user));
  }

  /** Write-only: the answer shows that credentials are set, never what they are. */
  @Put('channels/:id/credentials')
  @Allow('manager')
  setCredentials(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SetCredentialsDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.setCredentials(id, dto.credentials, actorOf(user));
  }
}
