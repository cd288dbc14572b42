import { createHash } from 'node:crypto';

/**
 * The record key of a delivery's post, derived from its idempotency key so every attempt (and a
 * crash check) names the same record. Posts' keys must be TIDs: 13 base32-sortable characters of
 * a 64-bit number (top bit 0, 53 bits of microseconds since 1970, 10 bits of clock id). We take
 * both parts from a hash of the key; the timestamp is kept in the past (2020-01-01 plus at most
 * 2^47 µs, about 4.5 years) so no key looks like it comes from the future.
 */
const BASE_MICROS = BigInt(Date.UTC(2020, 0, 1)) * 1000n;
const SPAN_MICROS = 1n << 47n;
const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';

export function rkeyFor(idempotencyKey: string): string {
  const hash = createHash('sha256').update(`chorus:bluesky:${idempotencyKey}`).digest();
  const n = hash.readBigUInt64BE(0);
  const micros = BASE_MICROS + ((n >> 10n) % SPAN_MICROS);
  const clockId = n & 0x3ffn;
  let value = (micros << 10n) | clockId;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export const TID_SYNTAX = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
