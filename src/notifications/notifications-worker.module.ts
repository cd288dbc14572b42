import { Module } from '@nestjs/common';
import { ApprovalReminderSchedule } from './approval-reminder.schedule';
import { NotificationsModule } from './notifications.module';

/** For the worker process only (needs ScheduleModule): the approval reminder schedule. */
@Module({
  imports: [NotificationsModule],
  providers: [ApprovalReminderSchedule],
})
export class NotificationsWorkerModule {}
