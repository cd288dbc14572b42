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
 * DATABASE_POOL_SIZE when given; otherwise enough connections for every publish job a worker runs
 * at once (WORKER_CONCURRENCY) plus a few for its reconciler and heartbeats, so jobs do not queue
 * for a connection. Connections open only when needed, so the API process pays nothing for it.
 */
function poolSize(): number {
  if (process.env.DATABASE_POOL_SIZE) return Number(process.env.DATABASE_POOL_SIZE);
  return Math.max(10, Number(process.env.WORKER_CONCURRENCY ?? 8) + 4);
}

/** Used by `npm run migration:run` (typeorm CLI). */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/chorus'));
