import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Allow, CampaignScoped } from '../../common/access.decorator';
import { ConversionService } from './conversion.service';
import { CreateCampaignCodeDto, RecordConversionDto } from './dto/record-conversion.dto';

@ApiTags('conversions')
@CampaignScoped()
@Controller('api/campaigns/:campaignId')
export class ConversionsController {
  constructor(private readonly conversions: ConversionService) {}

  /** Managers for any member partner; partner users for their own partner. */
  @Post('conversions')
  @Allow('manager', 'partner')
  record(@Param('campaignId', ParseUUIDPipe) campaignId: string, @CurrentUser() user: AuthenticatedUser, @Body() dto: RecordConversionDto) {
    return this.conversions.record(campaignId, user, dto);
  }

  /** Totals per partner for everyone; rows only for the partner's own users, managers and reviewers. */
  @Get('conversions')
  @Allow('manager', 'partner', 'reviewer')
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string, @CurrentUser() user: AuthenticatedUser) {
    return this.conversions.list(campaignId, user);
  }

  @Post('codes')
  @Allow('manager', 'partner')
  createCode(@Param('campaignId', ParseUUIDPipe) campaignId: string, @CurrentUser() user: AuthenticatedUser, @Body() dto: CreateCampaignCodeDto) {
    return this.conversions.createCode(campaignId, user, dto);
  }

  /** Partner users see their own codes. */
  @Get('codes')
  @Allow('manager', 'partner', 'reviewer')
  listCodes(@Param('campaignId', ParseUUIDPipe) campaignId: string, @CurrentUser() user: AuthenticatedUser) {
    return this.conversions.listCodes(campaignId, user);
  }
}
