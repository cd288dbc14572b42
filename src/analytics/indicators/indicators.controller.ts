import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow, CampaignScoped } from '../../common/access.decorator';
import { SeriesQueryDto, WindowQueryDto } from '../dto/window-query.dto';
import { IndicatorsService } from './indicators.service';

/** Follower figures are shared: every signed-in role reads them. */
@ApiTags('indicators')
@CampaignScoped()
@Controller('api/campaigns/:campaignId/indicators')
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get()
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: WindowQueryDto) {
    return this.indicators.forCampaign(campaignId, query);
  }

  @Get('series')
  @Allow('manager', 'partner', 'reviewer')
  series(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: SeriesQueryDto) {
    return this.indicators.series(campaignId, query);
  }
}
