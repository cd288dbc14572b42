import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import type { Role } from '../../src/common/access.decorator';
import { UserService } from '../../src/auth/user.service';

/**
 * The real API (AppModule, real Postgres and Redis from global-setup) on an ephemeral port.
 * `as(role)` gives a supertest agent signed in as that role.
 */
export interface TestApp {
  app: INestApplication;
  /** Anonymous requests. */
  http: () => ReturnType<typeof request>;
  /** Requests signed in as a user of that role (a partner user is bound to `partnerId`). */
  as: (role: Role, options?: { partnerId?: string }) => Promise<AuthedHttp>;
  close: () => Promise<void>;
}

export interface AuthedHttp {
  get: (url: string) => request.Test;
  post: (url: string) => request.Test;
  put: (url: string) => request.Test;
  patch: (url: string) => request.Test;
  delete: (url: string) => request.Test;
}

export async function createTestApp(): Promise<TestApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false, logger: false });
  configureApp(app);
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    http: () => request(server),
    as: async (role, options) => signIn(app, role, options),
    close: () => app.close(),
  };
}

/**
 * Creates a fresh user of that role (a partner user is bound to `partnerId`, or to a throwaway
 * partner when none is given) and signs in through the real login endpoint; requests then carry
 * its bearer token.
 */
async function signIn(app: INestApplication, role: Role, options?: { partnerId?: string }): Promise<AuthedHttp> {
  const server = app.getHttpServer();
  const user = await createUser(app, role, options);
  const login = await request(server).post('/api/auth/login').send({ email: user.email, password: user.password });
  if (login.status !== 200) throw new Error(`test sign-in as ${role} failed: ${login.status} ${JSON.stringify(login.body)}`);
  const headers: Record<string, string> = { authorization: `Bearer ${login.body.accessToken as string}` };
  const wrap = (t: request.Test) => t.set(headers);
  return {
    get: (url) => wrap(request(server).get(url)),
    post: (url) => wrap(request(server).post(url)),
    put: (url) => wrap(request(server).put(url)),
    patch: (url) => wrap(request(server).patch(url)),
    delete: (url) => wrap(request(server).delete(url)),
  };
}

/** A user straight in the database (via UserService), with a known password. */
export async function createUser(
  app: INestApplication,
  role: Role,
  options?: { partnerId?: string },
): Promise<{ id: string; email: string; password: string; partnerId: string | null }> {
  let partnerId: string | null = null;
  if (role === 'partner') {
    partnerId = options?.partnerId ?? null;
    if (!partnerId) {
      const slug = `throwaway-${randomBytes(5).toString('hex')}`;
      const rows = (await app.get(DataSource).query(`INSERT INTO partners (slug, name) VALUES ($1, $1) RETURNING id`, [slug])) as Array<{ id: string }>;
      partnerId = rows[0].id;
    }
  }
  const email = `${role}-${randomBytes(6).toString('hex')}@test.chorus`;
  const password = randomBytes(12).toString('base64url');
  const user = await app.get(UserService).create({ email, name: `Test ${role}`, role, partnerId, password });
  return { id: user.id, email, password, partnerId };
}
