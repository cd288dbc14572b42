import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SnapshotRequestModule } from '../analytics/snapshots/snapshot-request.module';
import { Partner } from '../campaigns/partners/partner.entity';
import { Channel } from './channel.entity';
import { ChannelContextService } from './channel-context.service';
import { ChannelService } from './channel.service';
import { ChannelsController } from './channels.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Channel, Partner]), SnapshotRequestModule],
  controllers: [ChannelsController],
  providers: [ChannelService, ChannelContextService],
  exports: [ChannelService, ChannelContextService],
})
export class ChannelsModule {}
