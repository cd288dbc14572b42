import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ChannelCredentials } from '../adapters/network-adapter';

/**
 * AES-256-GCM envelope for channel credentials at rest: "v1.<iv>.<tag>.<ciphertext>", base64url.
 * The channel id is bound as additional authenticated data, so an envelope copied onto another
 * channel's row does not decrypt.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = /^[0-9a-fA-F]{64}$/.test(secret) ? Buffer.from(secret, 'hex') : Buffer.from(secret, 'base64');
    if (this.key.length !== 32) throw new Error('CHORUS_SECRET_KEY must decode to 32 bytes');
  }

  encrypt(channelId: string, credentials: ChannelCredentials): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(channelId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(channelId: string, envelope: string): ChannelCredentials {
    const [version, iv, tag, ciphertext] = envelope.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('Unknown credential envelope');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(channelId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as ChannelCredentials;
  }
}
