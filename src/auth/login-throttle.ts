import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ThrottlerGuard, ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

/**
 * Sign-in attempts are counted twice, and either count past its limit answers 429:
 * - per e-mail (or invitation), from any address: guessing one account's password is slow even
 *   from many addresses;
 * - per client address, whatever the e-mail: spraying many e-mails from one address is slow too.
 * The client address is the connection's unless TRUST_PROXY says which proxies to believe: behind
 * a reverse proxy without it, every client shares the proxy's address and hence one budget.
 */
/** `perAccount` and `perAddress` are LOGIN_ATTEMPTS_PER_ACCOUNT and LOGIN_ATTEMPTS_PER_ADDRESS (per minute). */
export function loginThrottlers(perAccount: number, perAddress: number) {
  return [
    { name: 'account', limit: perAccount, ttl: 60_000, blockDuration: 5 * 60_000 },
    { name: 'address', limit: perAddress, ttl: 60_000, blockDuration: 5 * 60_000 },
  ];
}

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

/** Counts per account and per client address (see LOGIN_THROTTLERS). */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
    // Accepting an invite carries a token, not an e-mail: count per invite (tokens are 256-bit: guessing is not the risk).
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    const account = email ? `email:${email}` : `invite:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
    return JSON.stringify([String(req.ip ?? ''), account]);
  }

  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    const [address, account] = JSON.parse(tracker) as [string, string];
    const subject = name === 'address' ? address : createHash('sha256').update(account).digest('hex').slice(0, 32);
    return `login:${name}:${subject}`;
  }
}
