import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ApprovalReminderService } from './approval-reminder.service';

/** Worker-only: looks for posts about to go out without every partner's decision. */
@Injectable()
export class ApprovalReminderSchedule {
  private readonly logger = new Logger(ApprovalReminderSchedule.name);

  constructor(private readonly reminders: ApprovalReminderService) {}

  @Interval(5 * 60_000)
  async tick(): Promise<void> {
    try {
      const sent = await this.reminders.sendDue();
      if (sent) this.logger.log(`Sent ${sent} approval reminder(s)`);
    } catch (err) {
      this.logger.error(`Approval reminders failed: ${(err as Error).message}`);
    }
  }
}
