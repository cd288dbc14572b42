import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalReminderService } from './approval-reminder.service';
import { QueueModule } from '../queue/queue.module';
import { MailModule } from './mail.module';
import { Notification } from './notification.entity';
import { NotificationService } from './notification.service';
import { NotificationsController } from './notifications.controller';
import { PartnerWebhookService } from './webhooks/partner-webhook.service';

/**
 * Inboxes, e-mail and partner webhooks. Global so the pipeline can inject NotificationService
 * (`notifyPartner(partnerId, 'delivery_failed' | 'channel_needs_reauth', payload)`).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification]), MailModule, QueueModule],
  controllers: [NotificationsController],
  providers: [NotificationService, PartnerWebhookService, ApprovalReminderService],
  exports: [NotificationService, PartnerWebhookService, ApprovalReminderService],
})
export class NotificationsModule {}
