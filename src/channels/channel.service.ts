import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { SnapshotScheduler } from '../analytics/snapshots/snapshot-scheduler.service';
import { AuditActor, AuditService } from '../audit/audit.service';
import { Partner } from '../campaigns/partners/partner.entity';
import { DomainError } from '../common/errors/domain-error';
import { ENV, Env } from '../config/env';
import { PublicAddressError, resolvePublicUrl } from './media/public-address';
import { isPartnerViewer, Viewer } from '../common/viewer';
import { Channel, ChannelStatus } from './channel.entity';
import { ChannelContextService } from './channel-context.service';
import { CreateChannelDto } from './dto/create-channel.dto';
import { UpdateChannelDto } from './dto/update-channel.dto';
import { ChannelCredentials } from './adapters/network-adapter';
import { withLinkedInExpiry } from './adapters/linkedin/linkedin.adapter';

/** What the API shows of a channel: everything but the credentials, plus whether there are some. */
export type ChannelView = Omit<Channel, 'credentialsEncrypted' | 'partner'> & { hasCredentials: boolean };

@Injectable()
export class ChannelService {
  private readonly logger = new Logger(ChannelService.name);

  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    @InjectRepository(Partner) private readonly partners: Repository<Partner>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly snapshots: SnapshotScheduler,
    private readonly contexts: ChannelContextService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** A Mastodon instance receives the channel's bearer token: it must be a public server (checked again at each connection). */
  private async checkInstanceUrl(instanceUrl: string): Promise<void> {
    // Tests and local demos point instances at local emulators (and names that do not resolve).
    if (this.env.OUTBOUND_ALLOW_PRIVATE_HOSTS === 'true') return;
    try {
      await resolvePublicUrl(instanceUrl);
    } catch (err) {
      if (!(err instanceof PublicAddressError)) throw err;
      throw DomainError.validation(`instanceUrl: ${err.message}`, [{ field: 'instanceUrl', problems: [err.message] }]);
    }
  }

  async create(partnerId: string, dto: CreateChannelDto, actor: AuditActor): Promise<ChannelView> {
    if (!(await this.partners.existsBy({ id: partnerId }))) throw DomainError.notFound('partner', partnerId);
    if (dto.network === 'mastodon' && !dto.instanceUrl) {
      throw DomainError.validation('A Mastodon channel needs instanceUrl (e.g. https://mastodon.social).', [
        { field: 'instanceUrl', problems: ['instanceUrl is required for mastodon'] },
      ]);
    }
    const instanceUrl = dto.instanceUrl ? dto.instanceUrl.replace(/\/+$/, '') : null;
    if (instanceUrl) await this.checkInstanceUrl(instanceUrl);
    const duplicate = await this.channels
      .createQueryBuilder('c')
      .where('c.network = :network AND c.external_id = :externalId AND coalesce(c.instance_url, \'\') = :instance', {
        network: dto.network,
        externalId: dto.externalId,
        instance: instanceUrl ?? '',
      })
      .getExists();
    if (duplicate) throw new DomainError('conflict', `This ${dto.network} account (${dto.externalId}) is already a channel.`, { field: 'externalId' });

    const id = await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(Channel);
      const saved = await repo.save(
        repo.create({
          partnerId,
          network: dto.network,
          handle: dto.handle,
          externalId: dto.externalId,
          instanceUrl,
          displayName: dto.displayName ?? null,
          status: 'active',
          statusReason: null,
          maxCharacters: dto.maxCharacters ?? null,
          credentialsUpdatedAt: null,
        }),
      );
      if (dto.credentials) {
        await repo.update(saved.id, {
          credentialsEncrypted: this.contexts.seal(saved.id, knownExpiry(dto.network, dto.credentials)),
          credentialsUpdatedAt: new Date(),
        });
      }
      await this.audit.record(
        { actor, action: 'channel.created', entityType: 'channel', entityId: saved.id, partnerId, after: { network: dto.network, handle: dto.handle, withCredentials: !!dto.credentials } },
        tx,
      );
      return saved.id;
    });
    // The first follower count is the channel's starting point; the regular poll would also
    // catch it, so a Redis hiccup here must not refuse the channel.
    await this.snapshots.requestSnapshot(id, 'channel_added').catch((err: unknown) =>
      this.logger.warn(`Could not request the first follower snapshot of channel ${id}: ${err instanceof Error ? err.message : String(err)}`),
    );
    return this.get(id);
  }

  /** A partner user sees its own partner's channels only. */
  async list(filter: { partnerId?: string }, viewer?: Viewer): Promise<ChannelView[]> {
    if (isPartnerViewer(viewer)) {
      if (filter.partnerId && filter.partnerId !== viewer.partnerId) return [];
      filter = { partnerId: viewer.partnerId };
    }
    const rows = await this.channels
      .createQueryBuilder('c')
      .addSelect('c.credentials_encrypted IS NOT NULL', 'has_credentials')
      .where(filter.partnerId ? 'c.partner_id = :partnerId' : 'TRUE', filter)
      .orderBy('c.network')
      .addOrderBy('c.handle')
      .getRawAndEntities();
    return rows.entities.map((c, i) => ({ ...c, hasCredentials: rows.raw[i].has_credentials === true }));
  }

  async get(id: string, viewer?: Viewer): Promise<ChannelView> {
    const row = await this.channels
      .createQueryBuilder('c')
      .addSelect('c.credentials_encrypted IS NOT NULL', 'has_credentials')
      .where('c.id = :id', { id })
      .getRawAndEntities();
    const channel = row.entities[0];
    // Another partner's channel is answered as unknown, so ids do not leak.
    if (!channel || (isPartnerViewer(viewer) && channel.partnerId !== viewer.partnerId)) throw DomainError.notFound('channel', id);
    return { ...channel, hasCredentials: row.raw[0].has_credentials === true };
  }

  /**
   * Changing where a channel points (its instance, network or account id) drops its credentials
   * and asks for a reconnection: a token granted by one server is never sent to another.
   */
  async update(id: string, dto: UpdateChannelDto, actor: AuditActor): Promise<ChannelView> {
    const before = await this.get(id);
    const patch: Partial<Channel> = {};
    if (dto.handle !== undefined) patch.handle = dto.handle;
    if (dto.displayName !== undefined) patch.displayName = dto.displayName;
    if (dto.instanceUrl !== undefined) patch.instanceUrl = dto.instanceUrl.replace(/\/+$/, '');
    if (dto.maxCharacters !== undefined) patch.maxCharacters = dto.maxCharacters;
    if (patch.instanceUrl) await this.checkInstanceUrl(patch.instanceUrl);
    const retargeted = TARGET_FIELDS.filter((k) => k in patch && patch[k] !== before[k]);
    if (Object.keys(patch).length) {
      await this.dataSource.transaction(async (tx) => {
        const changes: Partial<Channel> = { ...patch };
        if (retargeted.length) {
          Object.assign(changes, {
            credentialsEncrypted: null,
            credentialsUpdatedAt: null,
            status: 'needs_reauth' as ChannelStatus,
            statusReason: `Reconnect the account: its ${retargeted.join(', ')} changed.`,
          });
        }
        await tx.getRepository(Channel).update(id, changes);
        await this.audit.record({ actor, action: 'channel.updated', entityType: 'channel', entityId: id, partnerId: before.partnerId, before: pick(before, Object.keys(patch)), after: patch }, tx);
        if (retargeted.length && before.hasCredentials) {
          await this.audit.record({ actor, action: 'channel.credentials_cleared', entityType: 'channel', entityId: id, partnerId: before.partnerId, after: { because: retargeted } }, tx);
        }
      });
    }
    return this.get(id);
  }

  /** Replaces the credentials (write-only). A channel needing re-authorisation becomes active again. */
  async setCredentials(id: string, credentials: ChannelCredentials, actor: AuditActor): Promise<ChannelView> {
    const channel = await this.get(id);
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(Channel).update(id, {
        credentialsEncrypted: this.contexts.seal(id, knownExpiry(channel.network, credentials)),
        credentialsUpdatedAt: new Date(),
        ...(channel.status === 'needs_reauth' ? { status: 'active' as ChannelStatus, statusReason: null } : {}),
      });
      // The audit trail says that credentials changed, never what they are.
      await this.audit.record({ actor, action: 'channel.credentials_changed', entityType: 'channel', entityId: id, partnerId: channel.partnerId, after: { keys: Object.keys(credentials).sort() } }, tx);
    });
    return this.get(id);
  }
}

/** What says where a channel's requests go: changing one of them invalidates its credentials. */
const TARGET_FIELDS = ['instanceUrl', 'externalId', 'network'] as const;

function pick(source: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (source as Record<string, unknown>)[k]]));
}

/** Credentials as stored: a LinkedIn token without a stated expiry gets LinkedIn's 60 days, so the channel knows when it lapses. */
function knownExpiry(network: string, credentials: ChannelCredentials): ChannelCredentials {
  return network === 'linkedin' ? withLinkedInExpiry(credentials) : credentials;
}
