import { Module } from '@nestjs/common';
import { CampaignLookupService } from './campaign-lookup.service';
import { ConversionService } from './conversions/conversion.service';
import { ConversionsController } from './conversions/conversions.controller';
import { IndicatorsController } from './indicators/indicators.controller';
import { IndicatorsService } from './indicators/indicators.service';
import { LinksController } from './links/links.controller';
import { TrackedLinksModule } from './links/tracked-links.module';
import { ReciprocityController } from './reciprocity/reciprocity.controller';
import { ReciprocityService } from './reciprocity/reciprocity.service';
import { ReportService } from './reports/report.service';
import { ReportsController } from './reports/reports.controller';
import { SnapshotRequestModule } from './snapshots/snapshot-request.module';
import { OutputsController } from './outputs/outputs.controller';
import { FunderReportController } from './reports/funder-report.controller';
import { FunderReportService } from './reports/funder-report.service';
import { OutputsService } from './outputs/outputs.service';

/** The API side of result indicators: indicators, reciprocity, tracked links, conversions, reports. */
@Module({
  imports: [SnapshotRequestModule, TrackedLinksModule],
  controllers: [IndicatorsController, ReciprocityController, LinksController, ConversionsController, ReportsController, OutputsController, FunderReportController],
  providers: [CampaignLookupService, IndicatorsService, ReciprocityService, ConversionService, ReportService, OutputsService, FunderReportService],
  exports: [TrackedLinksModule, SnapshotRequestModule],
})
export class AnalyticsModule {}
