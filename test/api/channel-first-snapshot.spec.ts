import { getQueueToken } from '@nestjs/bullmq';
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { QueueName } from '../../src/queue/queue-names';
import { uniqueSlug } from '../support/builders';
import { createTestApp, TestApp } from '../support/test-app';

describe('adding a channel', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('asks for its first follower snapshot at once', async () => {
    const manager = await t.as('manager');
    const partner = (await manager.post('/api/partners').send({ slug: uniqueSlug('p'), name: 'P' }).expect(201)).body;
    const channel = (await manager.post(`/api/partners/${partner.id}/channels`).send({ network: 'sandbox', handle: '@p', externalId: randomUUID() }).expect(201)).body;
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Followers));
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    const mine = jobs.filter((j) => j.data?.channelId === channel.id);
    expect(mine.map((j) => j.data.source)).toEqual(['channel_added']);
  });
});
