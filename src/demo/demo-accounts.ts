import { createHash } from 'node:crypto';
import { COSTO_PARTNERS } from './costo-pack.seed-data';

/** The six networks the demo's emulators speak, with the port offset each one listens on. */
export const DEMO_NETWORKS = ['x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky'] as const;
export type DemoNetwork = (typeof DEMO_NETWORKS)[number];
export const DEMO_PORT_OFFSET: Record<DemoNetwork, number> = { x: 0, facebook: 1, instagram: 2, linkedin: 3, mastodon: 4, bluesky: 5 };

/**
 * One demo channel's account on its network's emulator: the ids and credentials the emulator
 * accepts and the seed stores (encrypted, as for any channel). Derived from the partner and
 * the network, so the emulators and the seed agree without sharing state. Demo data only.
 */
export interface DemoAccount {
  partnerSlug: string;
  network: DemoNetwork;
  handle: string;
  /** X user id, Facebook page id, Instagram user id, LinkedIn URN, Mastodon account id, Bluesky DID. */
  externalId: string;
  /** Mastodon: the account's username on the instance; Bluesky: the handle without "@". */
  username: string;
  credentials: Record<string, string>;
  /** The count the emulator starts from. */
  followers: number;
}

const NETWORK_OF: Record<string, DemoNetwork> = { X: 'x', Facebook: 'facebook', Instagram: 'instagram', LinkedIn: 'linkedin', Mastodon: 'mastodon', Bluesky: 'bluesky' };

export function demoAccounts(): DemoAccount[] {
  return COSTO_PARTNERS.flatMap((p) =>
    p.accounts.map((a, i): DemoAccount => {
      const network = NETWORK_OF[a.standsFor];
      const seed = `${p.slug}:${network}:${i}`;
      const n = digits(seed, 10);
      const secret = `demo-${network}-${hash(seed).slice(0, 16)}`;
      const followers = 150 + (Number(digits(seed, 4)) % 1800);
      const bare = a.handle.replace(/^@/, '');
      switch (network) {
        case 'x':
          return { partnerSlug: p.slug, network, handle: a.handle, externalId: `1${n}`, username: bare, credentials: { accessToken: secret, refreshToken: `${secret}-refresh` }, followers };
        case 'facebook':
          return { partnerSlug: p.slug, network, handle: a.handle, externalId: `10${n}`, username: bare, credentials: { accessToken: secret }, followers };
        case 'instagram':
          return { partnerSlug: p.slug, network, handle: a.handle, externalId: `1784${n}`, username: bare, credentials: { accessToken: secret }, followers };
        case 'linkedin':
          return { partnerSlug: p.slug, network, handle: a.handle, externalId: `urn:li:organization:${n.slice(0, 8)}`, username: bare, credentials: { accessToken: secret }, followers };
        case 'mastodon': {
          const username = bare.split('@')[0];
          return { partnerSlug: p.slug, network, handle: a.handle, externalId: n.slice(0, 9), username, credentials: { accessToken: secret }, followers };
        }
        case 'bluesky':
          return { partnerSlug: p.slug, network, handle: a.handle, externalId: plcDidFor(bare), username: bare, credentials: { identifier: bare, appPassword: secret }, followers };
      }
    }),
  );
}

/** A syntactically valid did:plc (24 base32 characters) for a demo handle. */
function plcDidFor(handle: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = createHash('sha256').update(`demo:${handle}`).digest();
  let out = '';
  for (let i = 0; i < 24; i++) out += alphabet[bytes[i] & 31];
  return `did:plc:${out}`;
}

function hash(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

function digits(seed: string, count: number): string {
  return BigInt(`0x${hash(seed).slice(0, 15)}`).toString().padStart(count, '7').slice(0, count);
}

