import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow, CampaignScoped } from '../../common/access.decorator';
import { WindowQueryDto } from '../dto/window-query.dto';
import { ReciprocityService } from './reciprocity.service';

@ApiTags('indicators')
@CampaignScoped()
@Controller('api/campaigns/:campaignId/reciprocity')
export class ReciprocityController {
  constructor(private readonly reciprocity: ReciprocityService) {}

  @Get()
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: WindowQueryDto) {
    return this.reciprocity.forCampaign(campaignId, query);
  }
}
