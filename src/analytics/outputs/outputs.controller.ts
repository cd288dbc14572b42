import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow, CampaignScoped } from '../../common/access.decorator';
import { OutputsQueryDto, TopPostsQueryDto, WindowQueryDto } from '../dto/window-query.dto';
import { OutputsService } from './outputs.service';

/** Output indicators: how far the campaign's posts went. Read like the follower indicators. */
@ApiTags('indicators')
@CampaignScoped()
@Controller('api/campaigns/:campaignId/outputs')
export class OutputsController {
  constructor(private readonly outputs: OutputsService) {}

  @Get()
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: OutputsQueryDto) {
    return this.outputs.forCampaign(campaignId, query);
  }

  @Get('top-posts')
  @Allow('manager', 'partner', 'reviewer')
  topPosts(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: TopPostsQueryDto) {
    return this.outputs.topPosts(campaignId, query);
  }

  @Get('reciprocal-visibility')
  @Allow('manager', 'partner', 'reviewer')
  reciprocal(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: WindowQueryDto) {
    return this.outputs.reciprocalVisibility(campaignId, query);
  }
}
