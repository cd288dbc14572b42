import { Module } from '@nestjs/common';
import { CampaignLookupService } from './campaign-lookup.service';
import { IndicatorsController } from './indicators/indicators.controller';
import { IndicatorsService } from './indicators/indicators.service';

/** The API side of result indicators: indicators, reciprocity, tracked links, conversions, reports. */
@Module({
  controllers: [IndicatorsController],
  providers: [CampaignLookupService, IndicatorsService],
  exports: [],
})
export class AnalyticsModule {}
