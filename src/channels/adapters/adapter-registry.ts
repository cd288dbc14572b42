import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, Env } from '../../config/env';
import { REDIS } from '../../redis/redis.module';
import { HttpMediaFetcher } from '../media/media-fetcher';
import { PublicAddressError, resolvePublicUrl } from '../media/public-address';
import { Network } from '../network';
import { BlueskyAdapter } from './bluesky/bluesky.adapter';
import { FacebookAdapter } from './facebook/facebook.adapter';
import { InstagramAdapter } from './instagram/instagram.adapter';
import { LinkedInAdapter } from './linkedin/linkedin.adapter';
import { MastodonAdapter } from './mastodon/mastodon.adapter';
import { NetworkAdapter, NetworkError } from './network-adapter';
import { SandboxAdapter, SandboxStore } from './sandbox/sandbox.adapter';
import { XAdapter } from './x/x.adapter';

/** The LinkedIn Posts API version we speak (versions retire after about a year: see WIRE-FORMATS.md §4). */
export const LINKEDIN_API_VERSION = '202505';

/**
 * One adapter per network, built once from configuration (base URLs, timeouts, media limits).
 * Mastodon has no global base URL: its adapter talks to each channel's own instance_url.
 */
@Injectable()
export class AdapterRegistry {
  private readonly adapters: Record<Network, NetworkAdapter>;

  constructor(@Inject(ENV) env: Env, @Inject(REDIS) redis: Redis) {
    const mediaFetcher = new HttpMediaFetcher({
      allowPrivateHosts: env.MEDIA_ALLOW_PRIVATE_HOSTS === 'true',
      maxBytes: env.MEDIA_MAX_MB * 1024 * 1024,
    });
    const timeoutMs = env.NETWORK_TIMEOUT_MS;
    this.adapters = {
      x: new XAdapter({ baseUrl: env.X_API_BASE_URL, timeoutMs, clientId: env.X_CLIENT_ID, clientSecret: env.X_CLIENT_SECRET, mediaFetcher }),
      facebook: new FacebookAdapter({ baseUrl: env.FACEBOOK_API_BASE_URL, timeoutMs }),
      instagram: new InstagramAdapter({ baseUrl: env.INSTAGRAM_API_BASE_URL, timeoutMs }),
      linkedin: new LinkedInAdapter({ baseUrl: env.LINKEDIN_API_BASE_URL, version: LINKEDIN_API_VERSION, timeoutMs, mediaFetcher }),
      mastodon: new MastodonAdapter({ timeoutMs, mediaFetcher, instanceGuard: publicInstanceGuard(env.OUTBOUND_ALLOW_PRIVATE_HOSTS === 'true') }),
      bluesky: new BlueskyAdapter({ baseUrl: env.BLUESKY_API_BASE_URL, timeoutMs, mediaFetcher }),
      // The API and the worker are separate processes: the sandbox keeps its posts and follower counts in Redis.
      sandbox: new SandboxAdapter({ store: redisSandboxStore(redis) }),
    };
  }

  for(network: Network): NetworkAdapter {
    return this.adapters[network];
  }
}

/** A Mastodon instance must resolve to public addresses at each connection, as when it was saved. */
function publicInstanceGuard(allowPrivateHosts: boolean): (instanceUrl: string) => Promise<void> {
  return async (instanceUrl) => {
    try {
      await resolvePublicUrl(instanceUrl, { allowPrivateHosts });
    } catch (err) {
      if (!(err instanceof PublicAddressError)) throw err;
      if (err.problem === 'lookup_failed') throw new NetworkError('transient', `${err.message} Will try again.`);
      throw new NetworkError('auth', `The Mastodon instance ${err.host} cannot be used: ${err.message} Fix the channel's instance and reconnect it.`);
    }
  };
}

function redisSandboxStore(redis: Redis): SandboxStore {
  return {
    get: (key) => redis.get(key),
    set: async (key, value) => {
      await redis.set(key, value);
    },
  };
}
