import { hkdfSync } from 'node:crypto';

/**
 * Derives a purpose-bound key from CHORUS_SECRET_KEY (HKDF-SHA256), so the JWT key, the
 * approval-link key and the credential cipher key are independent although one secret is configured.
 */
export function deriveKey(secretKey: string, purpose: 'jwt' | 'approval-link'): Buffer {
  const ikm = /^[0-9a-fA-F]{64}$/.test(secretKey) ? Buffer.from(secretKey, 'hex') : Buffer.from(secretKey, 'base64');
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `chorus:${purpose}:v1`, 32));
}
