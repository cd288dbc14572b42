import { Module } from '@nestjs/common';
import { AppPacer } from './app-pacer.service';
import { CampaignLanguages } from '../campaigns/campaign-languages';
import { DeliveryPublisher } from './delivery-publisher.service';
import { PipelineModule } from './pipeline.module';
import { PublishPromoter } from './publish-promoter.service';
import { PublishProcessor } from './publish.processor';
import { Reconciler } from './reconciler.service';

/** Worker-only side of the pipeline: the publish processor, the promoter, the reconciler and the app-wide pacing. */
@Module({
  imports: [PipelineModule],
  providers: [AppPacer, DeliveryPublisher, PublishProcessor, PublishPromoter, Reconciler, CampaignLanguages],
  exports: [Reconciler, PublishPromoter],
})
export class PublishWorkerModule {}
