import { Module } from '@nestjs/common';
import { QueueModule } from '../../queue/queue.module';
import { SnapshotScheduler } from './snapshot-scheduler.service';

/** Just SnapshotScheduler, for modules that ask for snapshots (channels: "a channel was added"). */
@Module({
  imports: [QueueModule],
  providers: [SnapshotScheduler],
  exports: [SnapshotScheduler],
})
export class SnapshotRequestModule {}
