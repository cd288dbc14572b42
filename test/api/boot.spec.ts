import { spawnSync } from 'node:child_process';
import path from 'node:path';

describe('boot with a bad configuration', () => {
  it('stops the API with one line naming the variable', () => {
    const root = path.resolve(__dirname, '..', '..');
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: 'not-a-redis-url' };
    delete env.DATABASE_URL;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^Configuration error: DATABASE_URL is missing/),
      expect.stringMatching(/^Configuration error: REDIS_URL is malformed/),
    ]);
  });
});
