import { createHash } from 'node:crypto';
import {
  ChannelContext,
  FollowerReading,
  NetworkAdapter,
  PostingLimit,
  PublishRequest,
  PublishedPost,
} from '../network-adapter';
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { sandboxPostMetrics } from './sandbox-post-metrics';

/**
 * Where the sandbox keeps its state. The API and the worker are separate processes, so a demo
 * that publishes in one and reads in the other needs a shared store (Postgres or Redis); the
 * default is in memory, which is enough for one process and for tests. Values are JSON strings.
 */
export interface SandboxStore {
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string): Promise<void>;
}

export class InMemorySandboxStore implements SandboxStore {
  private readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}

export interface SandboxAdapterOptions {
  store?: SandboxStore;
  /** Random source in [0, 1) for the follower walk; replaceable in tests. */
  random?: () => number;
  clock?: () => Date;
}

interface StoredPost {
  externalId: string;
  channelId: string;
  text: string;
  publishedAt: string;
}

/**
 * The `sandbox` network: publishes nowhere, keeps posts by idempotency key (publishing the same
 * key twice returns the same post), and makes follower counts move so a demo's indicators live.
 * Within one process, concurrent publishes of one key are serialised; across processes the
 * pipeline's claim on the delivery is what keeps it to one call.
 */
export class SandboxAdapter implements NetworkAdapter {
  readonly network = 'sandbox' as const;
  readonly postingLimits: PostingLimit[] = [];

  private readonly store: SandboxStore;
  private readonly random: () => number;
  private readonly clock: () => Date;
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(options: SandboxAdapterOptions = {}) {
    this.store = options.store ?? new InMemorySandboxStore();
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? (() => new Date());
  }

  publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    return this.serialised(`channel:${channel.channelId}`, async () => {
      const existing = await this.readPost(request.idempotencyKey);
      if (existing) return toPublished(existing);
      const count = await this.postCount(channel.channelId);
      const post: StoredPost = {
        externalId: `sandbox-${hash(`${channel.channelId}:${request.idempotencyKey}`).slice(0, 16)}`,
        channelId: channel.channelId,
        text: request.text,
        publishedAt: this.clock().toISOString(),
      };
      await this.store.set(postKey(request.idempotencyKey), JSON.stringify(post));
      await this.store.set(countKey(channel.channelId), String(count + 1));
      return toPublished(post);
    });
  }

  /** Per-post figures (issue 21), made up: see sandbox-post-metrics.ts. */
  async readPostMetrics(_channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading> {
    return sandboxPostMetrics(post, this.clock());
  }

  async findPublished(_channel: ChannelContext, request: PublishRequest): Promise<PublishedPost | null> {
    const post = await this.readPost(request.idempotencyKey);
    return post ? toPublished(post) : null;
  }

  /**
   * Starts from a value derived from the channel id (100–4,999) and moves by -1…+3 on every
   * reading: an upward drift with some noise, never below zero.
   */
  readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    return this.serialised(`channel:${channel.channelId}`, async () => {
      const raw = await this.store.get(followersKey(channel.channelId));
      const current = raw != null ? Number(raw) : initialFollowers(channel.channelId);
      const next = Math.max(0, current + Math.floor(this.random() * 5) - 1);
      await this.store.set(followersKey(channel.channelId), String(next));
      return { followers: next, posts: await this.postCount(channel.channelId) };
    });
  }

  private async readPost(idempotencyKey: string): Promise<StoredPost | null> {
    const raw = await this.store.get(postKey(idempotencyKey));
    return raw ? (JSON.parse(raw) as StoredPost) : null;
  }

  private async postCount(channelId: string): Promise<number> {
    const raw = await this.store.get(countKey(channelId));
    return raw ? Number(raw) : 0;
  }

  /** Runs read-modify-write steps on one key one after another within this process. */
  private serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.inFlight.set(key, settled);
    void settled.then(() => {
      if (this.inFlight.get(key) === settled) this.inFlight.delete(key);
    });
    return run;
  }
}

/** One instance shared by everything in a process (API and worker in `npm run demo`). */
export const sandboxAdapter = new SandboxAdapter();

export function initialFollowers(channelId: string): number {
  return 100 + (parseInt(hash(channelId).slice(0, 8), 16) % 4900);
}

function toPublished(post: StoredPost): PublishedPost {
  return { externalId: post.externalId, url: null, publishedAt: new Date(post.publishedAt) };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const postKey = (idempotencyKey: string): string => `sandbox:post:${idempotencyKey}`;
const countKey = (channelId: string): string => `sandbox:posts:${channelId}`;
const followersKey = (channelId: string): string => `sandbox:followers:${channelId}`;
