import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { actorOf, AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Allow } from '../common/access.decorator';
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
  create(@Body() dto: CreateCampaignDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.create(dto, actorOf(user));
  }

  @Get()
  @Allow('manager', 'partner', 'reviewer')
  list(@CurrentUser() user: AuthenticatedUser) {
    return this.service.list(user);
  }

  @Get(':id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.service.get(id, user);
  }

  @Patch(':id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCampaignDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.update(id, dto, actorOf(user));
  }

  @Post(':id/partners')
  @Allow('manager')
  addPartners(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AddPartnersDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.addPartners(id, dto, actorOf(user));
  }
}
