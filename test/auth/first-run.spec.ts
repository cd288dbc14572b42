import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * A new deployment's first manager. Needs a database with no user at all, so this file makes its
 * own (a sibling of the run's database, dropped at the end).
 */
describe('first run', () => {
  let t: TestApp;
  const runUrl = process.env.DATABASE_URL!;
  const dbName = `${process.env.CHORUS_TEST_DATABASE_NAME!}_first_run`;
  const admin = () => new Client({ connectionString: process.env.CHORUS_TEST_ADMIN_DATABASE_URL });

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE "${dbName}"`);
    await c.end();
    const url = new URL(runUrl);
    url.pathname = `/${dbName}`;
    process.env.DATABASE_URL = url.toString();
    const ds = new DataSource(dataSourceOptions(process.env.DATABASE_URL));
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    t = await createTestApp();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    process.env.DATABASE_URL = runUrl;
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}"`);
    await c.end();
  });

  it('creates the first manager while nobody has an account, then never again', async () => {
    expect((await t.http().get('/api/auth/options').expect(200)).body.firstRun).toBe(true);
    expect((await t.http().post('/api/auth/first-run').send({ email: 'first@test.chorus', name: 'Première', password: 'short' }).expect(400)).body.code).toBe('validation_failed');

    // Two at once: exactly one wins.
    const [a, b] = await Promise.all([
      t.http().post('/api/auth/first-run').send({ email: 'first@test.chorus', name: 'Première', password: 'a-long-enough-password' }),
      t.http().post('/api/auth/first-run').send({ email: 'second@test.chorus', name: 'Seconde', password: 'a-long-enough-password' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 403]);
    const won = a.status === 201 ? a : b;
    expect(won.body.user.role).toBe('manager');
    expect(won.headers['set-cookie']?.[0]).toMatch(/^chorus_session=/);
    expect((a.status === 403 ? a : b).body.code).toBe('forbidden');

    const users = await t.app.get(DataSource).query(`SELECT email, role FROM users`);
    expect(users).toEqual([{ email: won.body.user.email, role: 'manager' }]);
    expect((await t.http().get('/api/auth/options').expect(200)).body.firstRun).toBe(false);
    await t.http().post('/api/auth/login').send({ email: won.body.user.email, password: 'a-long-enough-password' }).expect(200);
  });
});
