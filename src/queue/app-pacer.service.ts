import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppPostingLimits } from '../channels/adapters/network-adapter';
import { REDIS } from '../redis/redis.module';

/**
 * Takes one publication from a sliding window of `ARGV[2]` ms holding at most `ARGV[3]`, shared
 * by every worker (our own key; Redis' clock, so workers' clocks need not agree). Answers 0 when
 * taken, else the ms until the oldest publication in the window leaves it.
 */
const TAKE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

type PacingRedis = Redis & { chorusTakePublication(key: string, member: string, windowMs: number, posts: number): Promise<number> };

/**
 * Posting limits that a network applies to the whole app (its client id) rather than to one
 * account, e.g. X's cap on posts per app per 24 h: every worker publishing for that app counts
 * against one window, so the count lives in Redis. Per-account limits are checked by the claim in
 * PostgreSQL (DeliveryRepository); this is only for the app-wide ones.
 */
@Injectable()
export class AppPacer {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    redis.defineCommand('chorusTakePublication', { numberOfKeys: 1, lua: TAKE_LUA });
  }

  /**
   * Takes one publication from each of the app's windows; answers when to try again if one is
   * full (the slots taken in the others stay taken: the pacer errs on the side of fewer posts).
   */
  async take(app: AppPostingLimits, deliveryId: string): Promise<Date | null> {
    let waitMs = 0;
    for (const limit of app.limits) {
      const key = `pace:${app.key}:${limit.posts}/${limit.windowMs}`;
      waitMs = Math.max(waitMs, await (this.redis as PacingRedis).chorusTakePublication(key, deliveryId, limit.windowMs, limit.posts));
    }
    return waitMs > 0 ? new Date(Date.now() + waitMs) : null;
  }
}
