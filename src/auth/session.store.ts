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
    await this.redis.set(`session:${sessionId}`, userId, 'EX', SESSION_TTL_SECONDS);
    return sessionId;
  }

  async isOpen(sessionId: string, userId: string): Promise<boolean> {
    return (await this.redis.get(`session:${sessionId}`)) === userId;
  }

  async close(sessionId: string): Promise<void> {
    await this.redis.del(`session:${sessionId}`);
  }
}
