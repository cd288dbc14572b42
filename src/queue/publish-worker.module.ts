import { Module } from '@nestjs/common';
import { DeliveryPublisher } from './delivery-publisher.service';
import { PipelineModule } from './pipeline.module';
import { PublishProcessor } from './publish.processor';
import { Reconciler } from './reconciler.service';

/** Worker-only side of the pipeline: the publish processor and the reconciler schedule. */
@Module({
  imports: [PipelineModule],
  providers: [DeliveryPublisher, PublishProcessor, Reconciler],
  exports: [Reconciler],
})
export class PublishWorkerModule {}
