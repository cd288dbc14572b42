import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/** Lag = how long the oldest due, approved delivery has been waiting. Postgres is the truth, so we ask it. */
@Injectable()
export class QueueLagIndicator {
  static readonly MAX_LAG_SECONDS = 300;

  constructor(
    private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const [row] = await this.dataSource.query(
      `SELECT coalesce(extract(epoch FROM now() - min(due_at)), 0)::float AS lag, count(*)::int AS due
         FROM deliveries WHERE status = 'approved' AND due_at <= now()`,
    );
    const lagSeconds = Math.max(0, Math.round(Number(row.lag)));
    const details = { lagSeconds, dueDeliveries: Number(row.due) };
    return lagSeconds > QueueLagIndicator.MAX_LAG_SECONDS ? indicator.down(details) : indicator.up(details);
  }
}
