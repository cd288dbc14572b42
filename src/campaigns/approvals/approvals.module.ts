import { Module } from '@nestjs/common';
import { PipelineModule } from '../../queue/pipeline.module';
import { PublishScheduler } from '../../queue/publish-scheduler.service';
import { ApprovalInboxService } from './approval-inbox.service';
import { ApprovalLinkService } from './approval-link.service';
import { ApprovalLinksController } from './approval-links.controller';
import { ApprovalRevisionService } from './approval-revision.service';
import { ApprovalService } from './approval.service';
import { ApprovalsController } from './approvals.controller';
import { PUBLISH_ENQUEUER } from './publish-enqueuer';

/**
 * Submit, decide (by login or by link), inbox. Needs the global Auth, Audit and Notifications
 * modules; approved deliveries go to the pipeline's PublishScheduler.
 */
@Module({
  imports: [PipelineModule],
  controllers: [ApprovalsController, ApprovalLinksController],
  providers: [ApprovalService, ApprovalInboxService, ApprovalLinkService, ApprovalRevisionService, { provide: PUBLISH_ENQUEUER, useExisting: PublishScheduler }],
  exports: [ApprovalService, ApprovalLinkService, ApprovalRevisionService],
})
export class ApprovalsModule {}
