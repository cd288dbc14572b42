import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ANALYTICS_SETTINGS, AnalyticsSettings } from '../analytics-settings';
import { RETENTION_DELETE_SQL } from '../indicators.sql';

/** Keeps daily points forever and finer points for ANALYTICS_FINE_RETENTION_DAYS (see RETENTION_DELETE_SQL). */
@Injectable()
export class SnapshotRetention {
  private readonly logger = new Logger(SnapshotRetention.name);

  constructor(
    private readonly db: DataSource,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  @Cron('17 3 * * *', { name: 'snapshot-retention', timeZone: 'Europe/Paris' })
  async scheduled(): Promise<void> {
    const deleted = await this.run().catch((err: unknown) => {
      this.logger.error(`Snapshot retention failed: ${err instanceof Error ? err.message : String(err)}`);
      return 0;
    });
    if (deleted) this.logger.log(`Snapshot retention deleted ${deleted} sub-daily snapshots`);
  }

  /** Deletes in slices until nothing is left to thin; returns how many rows went. */
  async run(sliceRows = 50_000): Promise<number> {
    let total = 0;
    for (;;) {
      const [, affected] = (await this.db.query(RETENTION_DELETE_SQL, [this.settings.fineRetentionDays, sliceRows])) as [unknown, number];
      total += affected ?? 0;
      if (!affected || affected < sliceRows) return total;
    }
  }
}
