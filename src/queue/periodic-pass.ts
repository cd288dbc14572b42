import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * A pass every worker runs each interval, and once at start-up (a restarted worker should not wait
 * a whole interval). Never two at once in one process: a tick that finds the last pass still
 * running does nothing. None after shutdown. A failed pass is logged; the next tick retries.
 */
export class PeriodicPass {
  private running = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly pass: () => Promise<unknown>,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(schedules: SchedulerRegistry, everyMs: number): void {
    schedules.addInterval(this.name, setInterval(() => void this.tick(), everyMs));
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      await this.pass();
    } catch (err) {
      if (!this.stopped) this.logger.error({ err }, `${this.name} failed; next tick retries`);
    } finally {
      this.running = false;
    }
  }
}
