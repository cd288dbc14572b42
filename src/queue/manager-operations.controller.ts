import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { Allow } from '../common/access.decorator';
import { ManagerOperationsService, OperationResult } from './manager-operations.service';

export class ReschedulePostDto {
  /** ISO instant with offset, or a local time in the campaign's time zone. */
  @IsString() scheduledAt!: string;
}

/** Schedule operations on posts, deliveries and channels; managers only. */
@ApiTags('publishing')
@Controller('api')
export class ManagerOperationsController {
  constructor(private readonly operations: ManagerOperationsService) {}

  @Post('posts/:id/cancel')
  @HttpCode(200)
  @Allow('manager')
  cancel(@Param('id', ParseUUIDPipe) id: string): Promise<OperationResult> {
    return this.operations.cancelPost(id);
  }

  @Post('posts/:id/reschedule')
  @HttpCode(200)
  @Allow('manager')
  reschedule(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReschedulePostDto): Promise<OperationResult> {
    return this.operations.reschedulePost(id, dto.scheduledAt);
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
