import { Inject, Injectable } from '@nestjs/common';
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
    await this.redis.eval(RENEW, 1, this.key(channelId), token, String(leaseMs));
  }

  async release(channelId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(channelId), token);
  }

  private key(channelId: string): string {
    return `publish-lock:channel:${channelId}`;
  }
}
