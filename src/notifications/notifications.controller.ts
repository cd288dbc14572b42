import { Body, Controller, Delete, Get, HttpCode, Param, ParseBoolPipe, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { actorOf, type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Allow, OwnSessionOnly } from '../common/access.decorator';
import { SetWebhookDto } from './webhooks/set-webhook.dto';
import { NotificationService } from './notification.service';
import { PartnerWebhookService } from './webhooks/partner-webhook.service';

@ApiTags('notifications')
@Controller('api')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationService,
    private readonly webhooks: PartnerWebhookService,
  ) {}

  /** The signed-in user's own inbox, newest first. */
  @Get('notifications')
  @Allow('manager', 'partner', 'reviewer')
  list(@CurrentUser() user: AuthenticatedUser, @Query('unread', new ParseBoolPipe({ optional: true })) unread?: boolean) {
    return this.notifications.list(user.id, unread ?? false);
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  @Allow('manager', 'partner', 'reviewer')
  @OwnSessionOnly()
  read(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.notifications.markRead(user.id, id);
  }

  @Put('partners/:id/webhook')
  @Allow('manager')
  setWebhook(@Param('id', ParseUUIDPipe) partnerId: string, @Body() dto: SetWebhookDto, @CurrentUser() user: AuthenticatedUser) {
    return this.webhooks.set(partnerId, dto.url, dto.secret, actorOf(user));
  }

  @Delete('partners/:id/webhook')
  @HttpCode(204)
  @Allow('manager')
  async removeWebhook(@Param('id', ParseUUIDPipe) partnerId: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.webhooks.remove(partnerId, actorOf(user));
  }
}
