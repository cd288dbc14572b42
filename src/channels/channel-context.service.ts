import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { ENV, Env } from '../config/env';
import { ChannelCredentials, ChannelContext } from './adapters/network-adapter';
import { Channel, ChannelStatus } from './channel.entity';
import { CredentialCipher } from './credentials/credential-cipher';

/**
 * The only place credentials are decrypted: builds the ChannelContext an adapter needs, and
 * stores rotated tokens (X OAuth 2.0 refresh tokens rotate on every use).
 */
@Injectable()
export class ChannelContextService {
  private readonly cipher: CredentialCipher;

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
      credentials: channel.credentialsEncrypted ? this.cipher.decrypt(channel.id, channel.credentialsEncrypted) : {},
    };
  }

  async saveCredentials(channelId: string, credentials: ChannelCredentials): Promise<void> {
    await this.channels.update(channelId, {
      credentialsEncrypted: this.cipher.encrypt(channelId, credentials),
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
}
