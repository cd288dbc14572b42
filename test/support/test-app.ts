import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import type { Role } from '../../src/common/access.decorator';

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

/** Until sign-in exists every request is let through; the auth feature replaces this with a real login. */
async function signIn(app: INestApplication, _role: Role, _options?: { partnerId?: string }): Promise<AuthedHttp> {
  const server = app.getHttpServer();
  const headers: Record<string, string> = {};
  const wrap = (t: request.Test) => t.set(headers);
  return {
    get: (url) => wrap(request(server).get(url)),
    post: (url) => wrap(request(server).post(url)),
    put: (url) => wrap(request(server).put(url)),
    patch: (url) => wrap(request(server).patch(url)),
    delete: (url) => wrap(request(server).delete(url)),
  };
}
