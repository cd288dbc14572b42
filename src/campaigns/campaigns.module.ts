import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PipelineModule } from '../queue/pipeline.module';
import { TrackedLinksModule } from '../analytics/links/tracked-links.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { Action } from './actions/action.entity';
import { ActionService } from './actions/action.service';
import { ActionsController } from './actions/actions.controller';
import { Campaign } from './campaign.entity';
import { CampaignService } from './campaign.service';
import { CampaignsController } from './campaigns.controller';
import { Partner } from './partners/partner.entity';
import { PartnerService } from './partners/partner.service';
import { PartnersController } from './partners/partners.controller';
import { Post } from './posts/post.entity';
import { PostComposerService } from './posts/post-composer.service';
import { PostViewService } from './posts/post-view.service';
import { PostService } from './posts/post.service';
import { PostsController } from './posts/posts.controller';
import { TrackService } from './tracks/track.service';
import { TracksController } from './tracks/tracks.controller';
import { Track } from './tracks/track.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Partner, Campaign, Track, Action, Post]), PipelineModule, ApprovalsModule, TrackedLinksModule],
  controllers: [PartnersController, CampaignsController, TracksController, ActionsController, PostsController],
  providers: [PartnerService, CampaignService, TrackService, ActionService, PostService, PostComposerService, PostViewService],
  exports: [PartnerService, CampaignService, PostService, PostViewService],
})
export class CampaignsModule {}
