import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { actorOf, AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Allow } from '../common/access.decorator';
import { ManagerOperationsService, OperationResult } from './manager-operations.service';

/** Schedule operations on posts, deliveries and channels; managers only. Moving a post is PATCH /api/posts/:id. */
@ApiTags('publishing')
@Controller('api')
export class ManagerOperationsController {
  constructor(private readonly operations: ManagerOperationsService) {}

  @Post('posts/:id/cancel')
  @HttpCode(200)
  @Allow('manager')
  cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<OperationResult> {
    return this.operations.cancelPost(id, actorOf(user));
  }

  @Post('deliveries/:id/retry')
  @HttpCode(200)
  @Allow('manager')
  retry(@Param('id', ParseUUIDPipe) id: string): Promise<OperationResult> {
    return this.operations.retryDelivery(id);
  }

  @Post('channels/:id/pause')
  @HttpCode(200)
  @Allow('manager')
  pause(@Param('id', ParseUUIDPipe) id: string): Promise<OperationResult> {
    return this.operations.pauseChannel(id);
  }

  @Post('channels/:id/resume')
  @HttpCode(200)
  @Allow('manager')
  resume(@Param('id', ParseUUIDPipe) id: string): Promise<OperationResult> {
    return this.operations.resumeChannel(id);
  }
}
