import { Module } from '@nestjs/common';
import { CampaignLanguages } from '../campaigns/campaign-languages';
import { DeliveryPublisher } from './delivery-publisher.service';
import { PipelineModule } from './pipeline.module';
import { PublishProcessor } from './publish.processor';
import { Reconciler } from './reconciler.service';

/** Worker-only side of the pipeline: the publish processor and the reconciler schedule. */
@Module({
  imports: [PipelineModule],
  providers: [DeliveryPublisher, PublishProcessor, Reconciler, CampaignLanguages],
  exports: [Reconciler],
})
export class PublishWorkerModule {}
