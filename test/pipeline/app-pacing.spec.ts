import Redis from 'ioredis';
import { AppPacer } from '../../src/queue/app-pacer.service';
import { usePrivateRedisPrefix } from '../support/pipeline-fixtures';

const { prefix } = usePrivateRedisPrefix();

/** A limit on a whole app (client id) is one window in Redis, shared by every worker. */
describe('app-wide pacing', () => {
  const connections: Redis[] = [];

  function worker(): AppPacer {
    const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: `${prefix}:` });
    connections.push(redis);
    return new AppPacer(redis);
  }

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('lets two workers together publish the limit, then tells both when the oldest slot frees', async () => {
    const app = { key: `x:test-${Date.now()}`, limits: [{ posts: 3, windowMs: 60_000 }] };
    const [a, b] = [worker(), worker()];
    expect(await a.take(app, 'd1')).toBeNull();
    expect(await b.take(app, 'd2')).toBeNull();
    expect(await a.take(app, 'd3')).toBeNull();
    const before = Date.now();
    const fromA = await a.take(app, 'd4');
    const fromB = await b.take(app, 'd5');
    expect(fromA).toBeInstanceOf(Date);
    expect(fromB).toBeInstanceOf(Date);
    // The first slot was taken moments ago: it frees about a window later.
    expect(fromA!.getTime()).toBeGreaterThan(before + 30_000);
    // Another app has its own window.
    expect(await b.take({ ...app, key: `${app.key}-other` }, 'd6')).toBeNull();
  });
});
