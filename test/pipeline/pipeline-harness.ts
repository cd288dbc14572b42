import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PublishScheduler } from '../../src/queue/publish-scheduler.service';
import { BaseEmulator } from '../emulators/emulator';
import { PipelineFixtures, startWorker, waitFor } from '../support/pipeline-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/** API + one in-process worker on this file's private Redis prefix (call usePrivateRedisPrefix first). */
export interface Pipeline {
  api: TestApp;
  worker: INestApplicationContext;
  db: DataSource;
  fixtures: PipelineFixtures;
  scheduler: PublishScheduler;
  close: () => Promise<void>;
}

export async function startPipeline(): Promise<Pipeline> {
  const api = await createTestApp();
  const worker = await startWorker();
  const db = api.app.get(DataSource);
  return {
    api,
    worker,
    db,
    fixtures: new PipelineFixtures(db),
    scheduler: api.app.get(PublishScheduler),
    close: async () => {
      await worker.close();
      await api.close();
    },
  };
}

/** How many times the emulator accepted each text (exactly-once means every count is 1). */
export function acceptedCounts(emulator: BaseEmulator, texts: Iterable<string>): Map<string, number> {
  const wanted = new Set(texts);
  const counts = new Map<string, number>([...wanted].map((t) => [t, 0]));
  for (const p of emulator.posts) {
    const key = [...wanted].find((t) => p.text === t || p.text.startsWith(t + '\n') || p.text.startsWith(t + ' '));
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export async function waitForStatus(p: Pipeline, deliveryId: string, status: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  try {
    return await waitFor(
      async () => {
        const d = await p.fixtures.delivery(deliveryId);
        return d.status === status ? d : null;
      },
      { timeoutMs, what: `delivery ${deliveryId} to be ${status}` },
    );
  } catch (err) {
    // Say where the delivery got stuck, so a failure can be read from the CI log alone.
    const d = await p.fixtures.delivery(deliveryId);
    const { resolved_text: _text, ...row } = d;
    throw new Error(`${(err as Error).message}; the delivery is ${JSON.stringify(row)}`);
  }
}

export async function waitForAll(p: Pipeline, deliveryIds: string[], status: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const s = await p.fixtures.statuses(deliveryIds);
      return (s[status] ?? 0) === deliveryIds.length ? s : null;
    },
    { timeoutMs, what: `${deliveryIds.length} deliveries to be ${status}` },
  );
}
