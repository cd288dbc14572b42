import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import path from 'node:path';

/**
 * One TypeORM configuration for the API, the worker, the migration CLI and the tests.
 * Schema changes only through the migrations in ./migrations (synchronize is off everywhere).
 */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [path.join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [path.join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize() },
  };
}

/**
 * DATABASE_POOL_SIZE when given, else 10, whatever WORKER_CONCURRENCY is: a publish job holds a
 * connection only for the one statement it is running (claim, record…), never while it waits on a
 * network, so a few connections serve hundreds of jobs. Three workers and the API stay well within
 * PostgreSQL's default 100 connections. Nothing relies on session state, so the URL may point at
 * PgBouncer in transaction pooling mode.
 */
function poolSize(): number {
  if (process.env.DATABASE_POOL_SIZE) return Number(process.env.DATABASE_POOL_SIZE);
  return 10;
}

/** Used by `npm run migration:run` (typeorm CLI). */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/chorus'));
