import { ChannelContext, PublishRequest } from '../network-adapter';
import { initialFollowers, SandboxAdapter, SandboxStore } from './sandbox.adapter';

const channel = (id: string): ChannelContext => ({ channelId: id, network: 'sandbox', handle: `@${id}`, externalId: id, instanceUrl: null, credentials: {} });
const request = (key: string): PublishRequest => ({ deliveryId: key, idempotencyKey: key, text: `post ${key}`, media: [], link: null });

describe('SandboxAdapter', () => {
  it('publishes each idempotency key once, even when called twice at the same time', async () => {
    const adapter = new SandboxAdapter();
    const [a, b] = await Promise.all([adapter.publish(channel('c1'), request('k1')), adapter.publish(channel('c1'), request('k1'))]);
    expect(b).toEqual(a);
    expect(await adapter.publish(channel('c1'), request('k1'))).toEqual(a);
    expect((await adapter.readFollowers(channel('c1'))).posts).toBe(1);
  });

  it('finds what it published and nothing else', async () => {
    const adapter = new SandboxAdapter();
    const post = await adapter.publish(channel('c1'), request('k1'));
    expect(await adapter.findPublished(channel('c1'), request('k1'))).toEqual(post);
    expect(await adapter.findPublished(channel('c1'), request('k2'))).toBeNull();
  });

  it('starts followers from the channel id and walks them with upward drift', async () => {
    const steps = [0.9, 0.9, 0.0, 0.5];
    let i = 0;
    const adapter = new SandboxAdapter({ random: () => steps[i++ % steps.length] });
    const start = initialFollowers('c1');
    expect(initialFollowers('c1')).toBe(start);
    expect(initialFollowers('c2')).not.toBe(start);
    const readings: Array<number | null> = [];
    for (let k = 0; k < 4; k++) readings.push((await adapter.readFollowers(channel('c1'))).followers);
    // floor(r * 5) - 1: 0.9 → +3, 0.0 → -1, 0.5 → +1
    expect(readings).toEqual([start + 3, start + 6, start + 5, start + 6]);
  });

  it('drifts upwards on average with the default random source', async () => {
    const adapter = new SandboxAdapter();
    let last = 0;
    for (let k = 0; k < 200; k++) last = (await adapter.readFollowers(channel('c3'))).followers ?? 0;
    expect(last).toBeGreaterThan(initialFollowers('c3'));
  });

  it('keeps its state in an injected store, so another process sees it', async () => {
    const values = new Map<string, string>();
    const store: SandboxStore = { get: async (k) => values.get(k), set: async (k, v) => void values.set(k, v) };
    const api = new SandboxAdapter({ store });
    const worker = new SandboxAdapter({ store });
    const post = await worker.publish(channel('c1'), request('k9'));
    expect(await api.findPublished(channel('c1'), request('k9'))).toEqual(post);
    expect(await api.publish(channel('c1'), request('k9'))).toEqual(post);
    expect((await api.readFollowers(channel('c1'))).posts).toBe(1);
    expect([...values.keys()].sort()).toEqual(['sandbox:followers:c1', 'sandbox:post:k9', 'sandbox:posts:c1']);
  });
});
