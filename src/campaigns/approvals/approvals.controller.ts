import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Allow } from '../../common/access.decorator';
import { DomainError } from '../../common/errors/domain-error';
import { ApprovalInboxService } from './approval-inbox.service';
import { ApprovalLinkService } from './approval-link.service';
import { ApprovalRevisionService } from './approval-revision.service';
import { ApprovalService } from './approval.service';
import { DecideDto } from './dto/decide.dto';

@ApiTags('approvals')
@Controller('api')
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalService,
    private readonly inbox: ApprovalInboxService,
    private readonly links: ApprovalLinkService,
    private readonly revisions: ApprovalRevisionService,
  ) {}

  /** Asks every partner the post targets; the operator's own channels are approved by the submitting manager. */
  @Post('posts/:id/submit')
  @HttpCode(200)
  @Allow('manager')
  submit(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.approvals.submit(id, user);
  }

  @Post('posts/:id/approvals')
  @Allow('partner', 'manager')
  decide(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DecideDto) {
    return this.approvals.decideAsUser(id, user, dto);
  }

  /** The manager asks a partner that refused the current version to decide again. */
  @Post('posts/:id/approvals/:partnerId/ask-again')
  @HttpCode(200)
  @Allow('manager')
  askAgain(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string, @Param('partnerId', ParseUUIDPipe) partnerId: string) {
    return this.revisions.askAgain(id, partnerId, user);
  }

  /** A partner user changes its decision on the current version, until its publication is due. */
  @Post('posts/:id/approvals/change')
  @HttpCode(200)
  @Allow('partner')
  change(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DecideDto) {
    return this.revisions.changeDecision(id, user, dto);
  }

  @Get('posts/:id/approvals')
  @Allow('manager', 'partner', 'reviewer')
  list(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.approvals.list(id, user);
  }

  /** Fresh single-use links, one per partner still awaited, for the manager to copy. */
  @Get('posts/:id/approval-links')
  @Allow('manager')
  approvalLinks(@Param('id', ParseUUIDPipe) id: string) {
    return this.links.linksForPost(id);
  }

  @Get('approvals/inbox')
  @Allow('partner')
  partnerInbox(@CurrentUser() user: AuthenticatedUser) {
    if (!user.partnerId) throw new DomainError('forbidden', 'Only partner users have an approval inbox.');
    return this.inbox.inbox(user.partnerId);
  }
}
