import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../campaigns/deliveries/deliveries.module';
import { AdapterRegistry } from '../channels/adapters/adapter-registry';
import { ChannelsModule } from '../channels/channels.module';
import { ManagerOperationsController } from './manager-operations.controller';
import { ManagerOperationsService } from './manager-operations.service';
import { PublishScheduler } from './publish-scheduler.service';
import { QueueModule } from './queue.module';

/**
 * The publishing pipeline's producer side, imported by the API (approvals call
 * PublishScheduler.enqueue; managers cancel, reschedule, retry, pause) and by the worker.
 */
@Module({
  imports: [QueueModule, ChannelsModule, DeliveriesModule],
  controllers: [ManagerOperationsController],
  providers: [PublishScheduler, ManagerOperationsService, AdapterRegistry],
  exports: [DeliveriesModule, PublishScheduler, AdapterRegistry, ChannelsModule, QueueModule],
})
export class PipelineModule {}
