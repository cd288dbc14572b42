import { randomBytes } from 'node:crypto';
import { CredentialCipher } from './credential-cipher';

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(randomBytes(32).toString('base64'));

  it('round-trips credentials and never stores them in clear', () => {
    const envelope = cipher.encrypt('channel-1', { accessToken: 'secret-token-123', expiresAt: 42 });
    expect(envelope).not.toContain('secret-token-123');
    expect(envelope.startsWith('v1.')).toBe(true);
    expect(cipher.decrypt('channel-1', envelope)).toEqual({ accessToken: 'secret-token-123', expiresAt: 42 });
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('c', { accessToken: 'a' })).not.toEqual(cipher.encrypt('c', { accessToken: 'a' }));
  });

  it('refuses an envelope moved to another channel or tampered with', () => {
    const envelope = cipher.encrypt('channel-1', { accessToken: 'x' });
    expect(() => cipher.decrypt('channel-2', envelope)).toThrow();
    const parts = envelope.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt('channel-1', parts.join('.'))).toThrow();
  });

  it('refuses another key', () => {
    const other = new CredentialCipher(randomBytes(32).toString('hex'));
    expect(() => other.decrypt('channel-1', cipher.encrypt('channel-1', { accessToken: 'x' }))).toThrow();
  });

  it('rejects a key of the wrong size', () => {
    expect(() => new CredentialCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
