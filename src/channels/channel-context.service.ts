import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { ENV, Env } from '../config/env';
import { ChannelCredentials, ChannelContext } from './adapters/network-adapter';
import { Channel, ChannelStatus } from './channel.entity';
import { CredentialCipher } from './credentials/credential-cipher';

/** A channel's row as the publishing claim returns it (credentials still encrypted). */
export interface ChannelRecord {
  id: string;
  network: ChannelContext['network'];
  handle: string;
  externalId: string;
  instanceUrl: string | null;
  credentialsEncrypted: string | null;
}

/** How long decrypted credentials stay in memory (a later use after that decrypts again). */
const DECRYPTED_TTL_MS = 5 * 60_000;
const DECRYPTED_MAX = 10_000;

/**
 * The only place credentials are decrypted: builds the ChannelContext an adapter needs, and
 * stores rotated tokens (X OAuth 2.0 refresh tokens rotate on every use).
 */
@Injectable()
export class ChannelContextService {
  private readonly cipher: CredentialCipher;
  /**
   * Decrypted credentials per channel, keyed by the envelope they came from: a row whose envelope
   * changed (rotated token, reconnect from another process) decrypts again, so the cache is never
   * stale; the TTL only bounds how long secrets linger in memory.
   */
  private readonly decrypted = new Map<string, { envelope: string; credentials: ChannelCredentials; until: number }>();

  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    @Inject(ENV) env: Env,
  ) {
    this.cipher = new CredentialCipher(env.CHORUS_SECRET_KEY);
  }

  async load(channelId: string): Promise<ChannelContext & { status: ChannelStatus; partnerId: string }> {
    const channel = await this.channels
      .createQueryBuilder('c')
      .addSelect('c.credentialsEncrypted')
      .where('c.id = :channelId', { channelId })
      .getOne();
    if (!channel) throw DomainError.notFound('channel', channelId);
    return {
      channelId: channel.id,
      partnerId: channel.partnerId,
      status: channel.status,
      network: channel.network,
      handle: channel.handle,
      externalId: channel.externalId,
      instanceUrl: channel.instanceUrl,
      credentials: this.credentialsOf(channel.id, channel.credentialsEncrypted ?? null),
    };
  }

  /** The context of a channel row already read (the publishing claim returns it), without another query. */
  contextOf(channel: ChannelRecord): ChannelContext {
    return {
      channelId: channel.id,
      network: channel.network,
      handle: channel.handle,
      externalId: channel.externalId,
      instanceUrl: channel.instanceUrl,
      credentials: this.credentialsOf(channel.id, channel.credentialsEncrypted),
    };
  }

  /** The encrypted envelope to store for these credentials (also used inside the API's transactions). */
  seal(channelId: string, credentials: ChannelCredentials): string {
    return this.cipher.encrypt(channelId, credentials);
  }

  async saveCredentials(channelId: string, credentials: ChannelCredentials): Promise<void> {
    this.decrypted.delete(channelId);
    await this.channels.update(channelId, {
      credentialsEncrypted: this.seal(channelId, credentials),
      credentialsUpdatedAt: new Date(),
    });
  }

  /** Conditional on the current status when `from` is given, so concurrent workers do not flap it. */
  async setStatus(channelId: string, status: ChannelStatus, reason: string | null, from?: ChannelStatus[]): Promise<boolean> {
    const qb = this.channels.createQueryBuilder().update(Channel).set({ status, statusReason: reason }).where('id = :channelId', { channelId });
    if (from?.length) qb.andWhere('status IN (:...from)', { from });
    const result = await qb.execute();
    return (result.affected ?? 0) > 0;
  }

  /** Adapters may not mutate what they are given: each caller gets its own copy. */
  private credentialsOf(channelId: string, envelope: string | null): ChannelCredentials {
    if (!envelope) return {};
    const now = Date.now();
    let entry = this.decrypted.get(channelId);
    if (!entry || entry.envelope !== envelope || entry.until < now) {
      // Entries are kept in decryption order, so the expired ones are at the front.
      for (const [id, e] of this.decrypted) {
        if (e.until >= now && this.decrypted.size < DECRYPTED_MAX) break;
        this.decrypted.delete(id);
      }
      entry = { envelope, credentials: this.cipher.decrypt(channelId, envelope), until: now + DECRYPTED_TTL_MS };
      this.decrypted.delete(channelId);
      this.decrypted.set(channelId, entry);
    }
    return { ...entry.credentials };
  }
}
