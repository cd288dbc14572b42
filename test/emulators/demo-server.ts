import { DEMO_PORT_OFFSET, DemoAccount, DemoNetwork, demoAccounts } from '../../src/demo/demo-accounts';
import { BlueskyEmulator } from './bluesky.emulator';
import { BaseEmulator, EmulatedPost } from './emulator';
import { FacebookEmulator } from './facebook.emulator';
import { InstagramEmulator } from './instagram.emulator';
import { LinkedInEmulator } from './linkedin.emulator';
import { MastodonEmulator } from './mastodon.emulator';
import { XEmulator } from './x.emulator';

/**
 * The six network emulators in one process, for `npm run demo` (scripts/demo.sh starts and stops
 * it). Each listens on 127.0.0.1 at DEMO_EMULATORS_PORT + its offset (DEMO_PORT_OFFSET), knows
 * the demo's accounts (src/demo/demo-accounts.ts, which the seed stores as channels), serves each
 * accepted post as a small HTML page at the address the delivery links to, and moves follower
 * counts a little every DEMO_FOLLOWER_DRIFT_SECONDS so the indicators move while one watches.
 */
async function main(): Promise<void> {
  const base = Number(process.env.DEMO_EMULATORS_PORT ?? 4100);
  const driftSeconds = Number(process.env.DEMO_FOLLOWER_DRIFT_SECONDS ?? 30);
  const accounts = demoAccounts();
  const of = (network: DemoNetwork): DemoAccount[] => accounts.filter((a) => a.network === network);
  const url = (network: DemoNetwork) => `http://127.0.0.1:${base + DEMO_PORT_OFFSET[network]}`;

  const x = new XEmulator({
    accounts: of('x').map((a) => ({ id: a.externalId, username: a.username, token: a.credentials.accessToken, refreshToken: a.credentials.refreshToken, followers: a.followers })),
    recordRequests: 200,
  });
  const facebook = new FacebookEmulator({ pages: of('facebook').map((a) => ({ id: a.externalId, name: a.handle, token: a.credentials.accessToken, followers: a.followers })), recordRequests: 200, webUrl: url('facebook') });
  const instagram = new InstagramEmulator({ accounts: of('instagram').map((a) => ({ id: a.externalId, username: a.username, token: a.credentials.accessToken, followers: a.followers })), recordRequests: 200, webUrl: url('instagram') });
  const linkedin = new LinkedInEmulator({ accounts: of('linkedin').map((a) => ({ urn: a.externalId, token: a.credentials.accessToken, followers: a.followers })) });
  const mastodon = new MastodonEmulator({ accounts: of('mastodon').map((a) => ({ id: a.externalId, username: a.username, token: a.credentials.accessToken, followers: a.followers })) });
  const bluesky = new BlueskyEmulator({ accounts: of('bluesky').map((a) => ({ did: a.externalId, handle: a.username, password: a.credentials.appPassword, followers: a.followers })) });
  const emulators: Record<DemoNetwork, BaseEmulator> = { x, facebook, instagram, linkedin, mastodon, bluesky };

  // Post pages, at the addresses the adapters give deliveries (X_WEB_URL, LINKEDIN_WEB_URL and
  // BLUESKY_WEB_URL point at the emulators in the demo; Graph and Mastodon answer their own).
  const byId = (e: BaseEmulator) => (id: string): EmulatedPost | undefined => e.posts.find((p) => p.id === id);
  x.servePostPages(/^\/[^/]+\/status\/(\d+)$/, (m) => byId(x)(m[1]), 'X');
  x.servePostPages(/^\/i\/web\/status\/(\d+)$/, (m) => byId(x)(m[1]), 'X');
  facebook.servePostPages(/^\/(\d+)\/posts\/(\d+)$/, (m) => byId(facebook)(`${m[1]}_${m[2]}`), 'Facebook');
  facebook.servePostPages(/^\/(\d+_\d+)$/, (m) => byId(facebook)(m[1]), 'Facebook');
  instagram.servePostPages(/^\/p\/([0-9a-z]+)\/?$/, (m) => instagram.posts.find((p) => BigInt(p.id).toString(36) === m[1]), 'Instagram');
  linkedin.servePostPages(/^\/feed\/update\/(.+)$/, (m) => byId(linkedin)(decodeURIComponent(m[1])), 'LinkedIn');
  mastodon.servePostPages(/^\/@[^/]+\/(\d+)$/, (m) => byId(mastodon)(m[1]), 'Mastodon');
  bluesky.servePostPages(/^\/profile\/[^/]+\/post\/([a-z2-7]{13})$/, (m) => bluesky.posts.find((p) => p.extra?.rkey === m[1]), 'Bluesky');

  for (const [network, e] of Object.entries(emulators) as Array<[DemoNetwork, BaseEmulator]>) {
    await e.start(base + DEMO_PORT_OFFSET[network]);
  }

  // Followers drift up (now and then down) so the demo's indicators move between polls.
  const drift = setInterval(() => {
    for (const e of Object.values(emulators)) {
      for (const [id, count] of e.followers) e.followers.set(id, Math.max(0, count + Math.floor(Math.random() * 5) - 1));
    }
  }, driftSeconds * 1000);

  // One line the demo script waits for.
  console.log(`[emulators] ready on 127.0.0.1:${base}-${base + 5}`);
  const stop = async () => {
    clearInterval(drift);
    await Promise.all(Object.values(emulators).map((e) => e.close()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
