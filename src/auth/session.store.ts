import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS } from '../redis/redis.module';

export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/**
 * Login sessions live in Redis so logout (and deleting a user) revokes every token issued for
 * them, the short-lived bearer token and the cookie alike.
 */
@Injectable()
export class SessionStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async open(userId: string): Promise<string> {
    const sessionId = randomUUID();
    // Each user's open sessions are also listed, so disabling or deleting the user closes them all.
    await this.redis
      .multi()
      .set(`session:${sessionId}`, userId, 'EX', SESSION_TTL_SECONDS)
      .sadd(`user-sessions:${userId}`, sessionId)
      .expire(`user-sessions:${userId}`, SESSION_TTL_SECONDS)
      .exec();
    return sessionId;
  }

  async isOpen(sessionId: string, userId: string): Promise<boolean> {
    return (await this.redis.get(`session:${sessionId}`)) === userId;
  }

  async close(sessionId: string): Promise<void> {
    await this.redis.del(`session:${sessionId}`);
  }

  /** Closes every session of the user: re-enabling an account later does not revive them. */
  async closeAllOf(userId: string): Promise<void> {
    const ids = await this.redis.smembers(`user-sessions:${userId}`);
    await this.redis.del(...ids.map((id) => `session:${id}`), `user-sessions:${userId}`);
  }
}
