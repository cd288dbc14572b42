import { Module } from '@nestjs/common';
import { ApprovalReminderSchedule } from './approval-reminder.schedule';
import { NotificationsModule } from './notifications.module';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';

/** For the worker process only (needs ScheduleModule): the approval reminder schedule and the webhook sender. */
@Module({
  imports: [NotificationsModule],
  providers: [ApprovalReminderSchedule, WebhookDeliveryProcessor],
})
export class NotificationsWorkerModule {}
