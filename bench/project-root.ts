import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root (the folder holding package.json) from a bench file, whether it runs as
 * TypeScript under ts-node (bench/<name>/) or compiled (dist-bench/bench/<name>/, scripts/bench.sh).
 */
export function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}
