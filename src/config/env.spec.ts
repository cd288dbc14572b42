import { randomBytes } from 'node:crypto';
import { EnvError, loadEnv } from './env';

const valid = {
  DATABASE_URL: 'postgres://chorus@localhost:5432/chorus',
  REDIS_URL: 'redis://localhost:6379',
  CHORUS_SECRET_KEY: randomBytes(32).toString('base64'),
};

describe('loadEnv', () => {
  it('accepts a valid environment and fills defaults', () => {
    const env = loadEnv(valid);
    expect(env.PORT).toBe(3000);
    expect(env.REDIS_PREFIX).toBe('chorus');
    expect(env.X_API_BASE_URL).toBe('https://api.x.com');
    expect(env.WORKER_CONCURRENCY).toBe(400);
  });

  it('takes the network API versions and the X plan limits from the environment, with current defaults', () => {
    const env = loadEnv(valid);
    expect(env.LINKEDIN_API_VERSION).toMatch(/^\d{6}$/);
    expect(env.META_GRAPH_VERSION).toMatch(/^v\d+\.0$/);
    expect(env.X_POSTS_PER_15MIN).toBe(100);
    expect(env.X_POSTS_PER_24H).toBeUndefined();
    const set = loadEnv({ ...valid, LINKEDIN_API_VERSION: '202609', META_GRAPH_VERSION: 'v26.0', X_POSTS_PER_24H: '500' });
    expect([set.LINKEDIN_API_VERSION, set.META_GRAPH_VERSION, set.X_POSTS_PER_24H]).toEqual(['202609', 'v26.0', 500]);
    expect(() => loadEnv({ ...valid, LINKEDIN_API_VERSION: '2026-09' })).toThrow(/LINKEDIN_API_VERSION is malformed/);
    expect(() => loadEnv({ ...valid, META_GRAPH_VERSION: '25' })).toThrow(/META_GRAPH_VERSION is malformed/);
  });

  it('names a missing variable on one line', () => {
    const { DATABASE_URL: _omit, ...rest } = valid;
    expect(() => loadEnv(rest)).toThrow(EnvError);
    expect(() => loadEnv(rest)).toThrow(/^Configuration error: DATABASE_URL is missing: /);
  });

  it('names each malformed variable', () => {
    try {
      loadEnv({ ...valid, CHORUS_SECRET_KEY: 'short', PORT: 'eighty', X_API_BASE_URL: 'not a url' });
      throw new Error('expected loadEnv to throw');
    } catch (err) {
      const lines = (err as Error).message.split('\n');
      expect(lines).toHaveLength(3);
      expect(lines.some((l) => l.startsWith('Configuration error: CHORUS_SECRET_KEY is malformed'))).toBe(true);
      expect(lines.some((l) => l.startsWith('Configuration error: PORT is malformed'))).toBe(true);
      expect(lines.some((l) => l.startsWith('Configuration error: X_API_BASE_URL is malformed'))).toBe(true);
    }
  });

  it('accepts a hex key and http base URLs pointing at local emulators', () => {
    const env = loadEnv({ ...valid, CHORUS_SECRET_KEY: randomBytes(32).toString('hex'), X_API_BASE_URL: 'http://127.0.0.1:4010' });
    expect(env.X_API_BASE_URL).toBe('http://127.0.0.1:4010');
  });

  it('serves worker metrics on 9464 unless told otherwise, and takes 0 for off', () => {
    expect(loadEnv(valid).WORKER_METRICS_PORT).toBe(9464);
    expect(loadEnv({ ...valid, WORKER_METRICS_PORT: '0' }).WORKER_METRICS_PORT).toBe(0);
    expect(() => loadEnv({ ...valid, WORKER_METRICS_PORT: '70000' })).toThrow(/^Configuration error: WORKER_METRICS_PORT is malformed/);
  });

  it('leaves METRICS_TOKEN unset by default and refuses a short or spaced one', () => {
    expect(loadEnv(valid).METRICS_TOKEN).toBeUndefined();
    expect(loadEnv({ ...valid, METRICS_TOKEN: 'a'.repeat(32) }).METRICS_TOKEN).toBe('a'.repeat(32));
    expect(() => loadEnv({ ...valid, METRICS_TOKEN: 'short' })).toThrow(/^Configuration error: METRICS_TOKEN is malformed/);
    expect(() => loadEnv({ ...valid, METRICS_TOKEN: 'has a space in the middle' })).toThrow(/METRICS_TOKEN/);
  });
});
