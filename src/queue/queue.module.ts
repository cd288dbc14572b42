import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ENV, Env } from '../config/env';
import { QueueName } from './queue-names';

/**
 * BullMQ connection and queue registration, shared by the API (producer) and the worker
 * (processors). Every key lives under REDIS_PREFIX, so several runs can share one Redis.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [ENV],
      useFactory: (env: Env) => ({
        connection: { url: env.REDIS_URL, maxRetriesPerRequest: null },
        prefix: `${env.REDIS_PREFIX}:bull`,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class QueueModule {}
