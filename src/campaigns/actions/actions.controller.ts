import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { actorOf, AuthenticatedUser } from '../../auth/authenticated-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Allow } from '../../common/access.decorator';
import { ActionService } from './action.service';
import { CreateActionDto } from './dto/create-action.dto';
import { UpdateActionDto } from './dto/update-action.dto';

@ApiTags('actions')
@Controller('api')
export class ActionsController {
  constructor(private readonly service: ActionService) {}

  @Post('campaigns/:campaignId/actions')
  @Allow('manager')
  create(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Body() dto: CreateActionDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.create(campaignId, dto, actorOf(user));
  }

  @Get('campaigns/:campaignId/actions')
  @Allow('manager', 'partner', 'reviewer')
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string, @CurrentUser() user: AuthenticatedUser) {
    return this.service.list(campaignId, user);
  }

  @Get('actions/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.service.get(id, user);
  }

  @Patch('actions/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateActionDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.update(id, dto, actorOf(user));
  }
}
