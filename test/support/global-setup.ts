import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source';

/**
 * Each test run gets its own fresh database (created here, dropped in global-teardown) and its own
 * Redis key prefix, so runs can share servers with anything else. Workers inherit process.env.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  if (!process.env.CHORUS_TEST_ADMIN_DATABASE_URL || !process.env.REDIS_URL) {
    const out = execFileSync('bash', [path.join(root, 'scripts', 'services.sh'), 'ensure'], { encoding: 'utf8' });
    for (const m of out.matchAll(/^export (\w+)='([^']*)'$/gm)) {
      if (m[1] === 'DATABASE_URL') process.env.CHORUS_TEST_ADMIN_DATABASE_URL ??= m[2];
      else process.env[m[1]] ??= m[2];
    }
  }
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbName = `chorus_test_${runId}`;
  const admin = new Client({ connectionString: process.env.CHORUS_TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();

  const url = new URL(process.env.CHORUS_TEST_ADMIN_DATABASE_URL!);
  url.pathname = `/${dbName}`;
  process.env.DATABASE_URL = url.toString();
  process.env.CHORUS_TEST_DATABASE_NAME = dbName;
  process.env.REDIS_PREFIX = `chorus-test-${runId}`;
  process.env.CHORUS_SECRET_KEY = randomBytes(32).toString('base64');
  process.env.LOG_LEVEL ??= 'silent';
  process.env.MIGRATIONS_RUN = 'false';
  process.env.MEDIA_ALLOW_PRIVATE_HOSTS = 'true';
  // Mastodon instances and webhooks run on local emulators in tests; the strict default has its own tests.
  process.env.OUTBOUND_ALLOW_PRIVATE_HOSTS = 'true';
  // Every test signs in from 127.0.0.1; the per-address limit has its own test (test/security).
  process.env.LOGIN_ATTEMPTS_PER_ADDRESS = '1000000';
  // Likewise per e-mail: the browser suite signs the same demo users in many times a minute.
  process.env.LOGIN_ATTEMPTS_PER_ACCOUNT = '1000000';
  // Workers started by the tests serve no metrics unless a test gives them a port of its own.
  process.env.WORKER_METRICS_PORT ??= '0';

  const ds = new DataSource(dataSourceOptions(process.env.DATABASE_URL));
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
}
