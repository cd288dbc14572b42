import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * One publication at a time per channel, across every worker: a Redis key held with a lease
 * (so a dead worker's lock frees itself) and released only by its holder. Exactly-once does not
 * depend on it (the Postgres claim does); it keeps a partner's posts in order and under the
 * network's burst limits.
 */
@Injectable()
export class ChannelLock {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async acquire(channelId: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(channelId), token, 'PX', leaseMs, 'NX')) === 'OK';
  }

  async renew(channelId: string, token: string, leaseMs: number): Promise<void> {
    await this.script(RENEW, this.key(channelId), token, String(leaseMs));
  }

  async release(channelId: string, token: string): Promise<void> {
    await this.script(RELEASE, this.key(channelId), token);
  }

  /** EVALSHA (the script's hash, not its text, on every call), loading the script when Redis lost it. */
  private async script(source: string, key: string, ...args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha1(source), 1, key, ...args);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      return this.redis.eval(source, 1, key, ...args);
    }
  }

  private key(channelId: string): string {
    return `publish-lock:channel:${channelId}`;
  }
}

const sha1s = new Map<string, string>();
function sha1(source: string): string {
  let h = sha1s.get(source);
  if (!h) sha1s.set(source, (h = createHash('sha1').update(source).digest('hex')));
  return h;
}
