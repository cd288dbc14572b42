import { randomBytes } from 'node:crypto';
import { plcDid } from '../emulators/bluesky.emulator';
import type { ChannelSpec, PipelineFixtures } from './pipeline-fixtures';

/** Slugs must be unique across a test run (tests share one database per run). */
export function uniqueSlug(base: string): string {
  return `${base}-${randomBytes(4).toString('hex')}`;
}

/** The networks a test can reach on a local emulator (test/emulators). */
export type EmulatedNetwork = 'x' | 'facebook' | 'instagram' | 'linkedin' | 'mastodon' | 'bluesky';

/**
 * One account on a network's emulator and the channel that publishes on it, from one number:
 * `anEmulatedAccount('linkedin', 7).asMember().build()`. `channel` goes to
 * PipelineFixtures.channels (with `instanceUrl` for Mastodon); the emulator is given the same
 * account (ids, handle, token) by the test.
 */
export function anEmulatedAccount(network: EmulatedNetwork, n: number): EmulatedAccountBuilder {
  return new EmulatedAccountBuilder(network, n);
}

export interface EmulatedAccount {
  network: EmulatedNetwork;
  /** The network-side id the channel stores (X user id, page id, author URN, DID…). */
  externalId: string;
  handle: string;
  token: string;
  /** Bluesky: the app password the adapter signs in with. */
  password: string;
  channel: {
    network: EmulatedNetwork;
    externalId: string;
    handle: string;
    instanceUrl?: string | null;
    credentials: Record<string, string>;
  };
}

export class EmulatedAccountBuilder {
  private member = false;
  private instanceUrl: string | null = null;

  constructor(
    private readonly network: EmulatedNetwork,
    private readonly n: number,
  ) {}

  /** LinkedIn: a member profile (urn:li:person:…) instead of an organisation page. */
  asMember(): this {
    this.member = true;
    return this;
  }

  /** Mastodon: the instance the account lives on. */
  on(instanceUrl: string): this {
    this.instanceUrl = instanceUrl;
    return this;
  }

  build(): EmulatedAccount {
    const n = this.n;
    const token = `${this.network}${this.member ? '-member' : ''}-token-${n}`;
    const password = `${this.network}-pw-${n}`;
    const ids: Record<EmulatedNetwork, string> = {
      x: `${90_000 + n}`,
      facebook: `5463${n}`,
      instagram: `1784${n}`,
      linkedin: this.member ? `urn:li:person:m${n}` : `urn:li:organization:${n}`,
      mastodon: `m${n}`,
      // A valid did:plc: the adapter reads its document from the PLC directory (the emulator).
      bluesky: plcDid(`acc${n}`),
    };
    const externalId = ids[this.network];
    const handle = this.network === 'bluesky' ? `acc${n}.bsky.social` : `@${this.network}${n}`;
    const credentials: Record<string, string> =
      this.network === 'bluesky' ? { identifier: handle, appPassword: password }
      : this.network === 'x' ? { accessToken: token, refreshToken: `${token}-refresh` }
      : { accessToken: token };
    return {
      network: this.network,
      externalId,
      handle,
      token,
      password,
      channel: { network: this.network, externalId, handle, instanceUrl: this.instanceUrl, credentials },
    };
  }
}
/**
 * Test data for the publishing pipeline, written in a sentence:
 * `await aCampaign().withPartners(3).withChannels(2, mastodonOn(emulator)).build(fixtures)`, then
 * `await campaign.release({ posts: 10, dueAt, tag })`. Approval by SQL is setup: the pipeline
 * under test starts where deliveries are approved.
 */

export interface BuiltCampaign {
  campaignId: string;
  partnerIds: string[];
  /** Every channel, partner by partner. */
  channelIds: string[];
  /** Submitted posts, one delivery per channel each (approved unless `approved: false`). */
  release(options: { posts: number; dueAt: Date; tag: string; approved?: boolean; channelIds?: string[] }): ReturnType<PipelineFixtures['release']>;
}

export class CampaignBuilder {
  private partners = 1;
  private channelsPerPartner = 0;
  private channelSpec: (n: number) => ChannelSpec = () => {
    throw new Error('withChannels needs a channel spec');
  };

  withPartners(n: number): this {
    this.partners = n;
    return this;
  }

  /** `n` channels per partner; `spec(k)` describes the k-th channel of the whole campaign. */
  withChannels(n: number, spec: (k: number) => ChannelSpec): this {
    this.channelsPerPartner = n;
    this.channelSpec = spec;
    return this;
  }

  async build(fixtures: PipelineFixtures): Promise<BuiltCampaign> {
    const campaignId = await fixtures.campaign();
    const partnerIds: string[] = [];
    const channelIds: string[] = [];
    let k = 0;
    for (let p = 0; p < this.partners; p++) {
      const partnerId = await fixtures.partner();
      partnerIds.push(partnerId);
      const specs = Array.from({ length: this.channelsPerPartner }, () => this.channelSpec(k++));
      channelIds.push(...(await fixtures.channels(partnerId, specs)));
    }
    return {
      campaignId,
      partnerIds,
      channelIds,
      release: (o) => fixtures.release({ campaignId, channelIds: o.channelIds ?? channelIds, posts: o.posts, dueAt: o.dueAt, tag: o.tag, approved: o.approved }),
    };
  }
}

export function aCampaign(): CampaignBuilder {
  return new CampaignBuilder();
}

/** Mastodon accounts on `emulator`, each registered there with its own token, named after `tag`. */
export function mastodonOn(emulator: { url: string; addAccount(a: { id: string; username: string; token: string }): unknown }, tag: string): (k: number) => ChannelSpec {
  return (k) => {
    const id = `${tag}-${k}`;
    emulator.addAccount({ id, username: id, token: `tok-${id}` });
    return { network: 'mastodon', externalId: id, handle: `@${id}`, instanceUrl: emulator.url, credentials: { accessToken: `tok-${id}` } };
  };
}
