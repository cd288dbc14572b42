import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { EnvError, loadEnv } from './config/env';
import { WorkerModule } from './worker.module';

/** Same codebase as the API, another entry point: run as many of these as the load needs. */
async function main(): Promise<void> {
  loadEnv();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  console.log(`Chorus worker ${process.pid} started`);
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
