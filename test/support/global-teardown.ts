import Redis from 'ioredis';
import { Client } from 'pg';

/** Drops only what this run created: its database and the Redis keys under its own prefix. */
export default async function globalTeardown(): Promise<void> {
  const dbName = process.env.CHORUS_TEST_DATABASE_NAME;
  if (dbName && process.env.CHORUS_TEST_KEEP_DATABASE !== '1') {
    const admin = new Client({ connectionString: process.env.CHORUS_TEST_ADMIN_DATABASE_URL });
    await admin.connect();
    // The run's database, and the per-file ones named after it (test/support/pipeline-fixtures.ts).
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [dbName, `${dbName}\\_f%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  }
  const prefix = process.env.REDIS_PREFIX;
  if (prefix && prefix.startsWith('chorus-test-') && process.env.REDIS_URL) {
    await deleteKeys(process.env.REDIS_URL, `${prefix}:*`);
  }
}

export async function deleteKeys(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
