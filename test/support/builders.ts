import { randomBytes } from 'node:crypto';

/** Slugs must be unique across a test run (tests share one database per run). */
export function uniqueSlug(base: string): string {
  return `${base}-${randomBytes(4).toString('hex')}`;
}
