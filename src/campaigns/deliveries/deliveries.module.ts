import { Module } from '@nestjs/common';
import { DeliveryRepository } from './delivery.repository';

/** The owner of delivery state (see DeliveryRepository), for the API's features and the worker alike. */
@Module({
  providers: [DeliveryRepository],
  exports: [DeliveryRepository],
})
export class DeliveriesModule {}
