import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ThrottlerGuard, ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

/** Login attempts allowed per (client address, e-mail) per window. */
export const LOGIN_ATTEMPTS = { limit: 10, ttl: 60_000, blockDuration: 5 * 60_000 };

/**
 * Counts in Redis, so the limit holds across every API process (the default store is per process).
 * Fixed window: the first hit starts it; past the limit the key is blocked for blockDuration.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const blockKey = `throttle:${key}:blocked`;
    const blockedFor = await this.redis.pttl(blockKey);
    if (blockedFor > 0) return { totalHits: limit + 1, timeToExpire: 0, isBlocked: true, timeToBlockExpire: Math.ceil(blockedFor / 1000) };
    const hitsKey = `throttle:${key}`;
    const replies = (await this.redis.multi().incr(hitsKey).pexpire(hitsKey, ttl, 'NX').pttl(hitsKey).exec()) ?? [];
    const hits = Number(replies[0]?.[1] ?? 1);
    const expire = Number(replies[2]?.[1] ?? -1);
    const pttl = expire > 0 ? expire : ttl;
    if (hits > limit) {
      await this.redis.set(blockKey, '1', 'PX', blockDuration);
      return { totalHits: hits, timeToExpire: Math.ceil(pttl / 1000), isBlocked: true, timeToBlockExpire: Math.ceil(blockDuration / 1000) };
    }
    return { totalHits: hits, timeToExpire: Math.ceil(pttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
  }
}

/** Throttles by client address and the e-mail tried, so one noisy office does not lock everyone out. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
    if (email) return `${req.ip}|${email}`;
    // Accepting an invite carries a token, not an e-mail: count per invite, so colleagues accepting
    // theirs from one office do not block each other (tokens are 256-bit: guessing is not the risk).
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    return `${req.ip}|invite:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
  }

  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    return `login:${name}:${tracker}`;
  }
}
