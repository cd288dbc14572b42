import { Module } from '@nestjs/common';
import { CampaignLookupService } from '../campaign-lookup.service';
import { TrackedLinkService } from './tracked-link.service';

/** Just TrackedLinkService, for the publishing pipeline (API or worker) to get a delivery's short link. */
@Module({
  providers: [CampaignLookupService, TrackedLinkService],
  exports: [TrackedLinkService],
})
export class TrackedLinksModule {}
