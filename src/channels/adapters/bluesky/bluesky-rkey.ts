import { createHash } from 'node:crypto';

/**
 * Record keys of posts are TIDs: 13 base32-sortable characters of a 64-bit number (top bit 0,
 * 53 bits of microseconds since 1970, 10 bits of "clock id"). Relays and apps read the time in
 * them, so a new post's key carries the current time.
 *
 * The clock id is not random: it is taken from the delivery's idempotency key, so after an
 * ambiguous failure the lookup can tell our record from the account's other posts (its key's
 * clock id and its text must both match; see BlueskyAdapter.findPublished).
 */
const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';

export const TID_SYNTAX = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

/** The 10-bit clock id a delivery's record keys carry. */
export function clockIdFor(idempotencyKey: string): number {
  return createHash('sha256').update(`chorus:bluesky:${idempotencyKey}`).digest().readUInt16BE(0) & 0x3ff;
}

/** A TID for `atMs` (epoch milliseconds) with the delivery's clock id; `micros` adds sub-millisecond precision. */
export function tidFor(idempotencyKey: string, atMs: number, micros = 0): string {
  let value = ((BigInt(Math.floor(atMs)) * 1000n + BigInt(micros % 1000)) << 10n) | BigInt(clockIdFor(idempotencyKey));
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** The time (epoch ms) and clock id a TID carries, or null when `rkey` is not a TID. */
export function parseTid(rkey: string): { atMs: number; clockId: number } | null {
  if (!TID_SYNTAX.test(rkey)) return null;
  let value = 0n;
  for (const ch of rkey) value = (value << 5n) | BigInt(ALPHABET.indexOf(ch));
  return { atMs: Number((value >> 10n) / 1000n), clockId: Number(value & 0x3ffn) };
}
