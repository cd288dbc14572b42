import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, Env } from '../../config/env';
import { measured } from '../../metrics/measured-adapter';
import { MetricsService } from '../../metrics/metrics.service';
import { REDIS } from '../../redis/redis.module';
import { HttpMediaFetcher } from '../media/media-fetcher';
import { PublicAddressError, resolvePublicUrl } from '../media/public-address';
import { Network } from '../network';
import { BlueskyAdapter } from './bluesky/bluesky.adapter';
import { FacebookAdapter } from './facebook/facebook.adapter';
import { InstagramAdapter } from './instagram/instagram.adapter';
import { LinkedInAdapter } from './linkedin/linkedin.adapter';
import { MastodonAdapter, MediaUploadMemory } from './mastodon/mastodon.adapter';
import { NetworkAdapter, NetworkError } from './network-adapter';
import { graphBaseUrl, linkedInVersionStatus, metaGraphVersionStatus } from './api-versions';
import { SandboxAdapter, SandboxStore } from './sandbox/sandbox.adapter';
import { XAdapter } from './x/x.adapter';

/**
 * One adapter per network, built once from configuration (base URLs, timeouts, media limits).
 * Mastodon has no global base URL: its adapter talks to each channel's own instance_url.
 * Every adapter handed out is `measured`: the one place network calls are counted.
 */
@Injectable()
export class AdapterRegistry {
  private readonly adapters: Record<Network, NetworkAdapter>;

  constructor(@Inject(ENV) env: Env, @Inject(REDIS) redis: Redis, metrics: MetricsService) {
    const mediaFetcher = new HttpMediaFetcher({
      allowPrivateHosts: env.MEDIA_ALLOW_PRIVATE_HOSTS === 'true',
      maxBytes: env.MEDIA_MAX_MB * 1024 * 1024,
    });
    const timeoutMs = env.NETWORK_TIMEOUT_MS;
    this.adapters = {
      x: new XAdapter({
        baseUrl: env.X_API_BASE_URL, timeoutMs, clientId: env.X_CLIENT_ID, clientSecret: env.X_CLIENT_SECRET, mediaFetcher,
        postsPer15Min: env.X_POSTS_PER_15MIN, postsPer24h: env.X_POSTS_PER_24H, appPostsPer24h: env.X_APP_POSTS_PER_24H,
      }),
      facebook: new FacebookAdapter({ baseUrl: graphBaseUrl(env.FACEBOOK_API_BASE_URL, env.META_GRAPH_VERSION), timeoutMs }),
      instagram: new InstagramAdapter({
        baseUrl: graphBaseUrl(env.INSTAGRAM_API_BASE_URL, env.META_GRAPH_VERSION),
        timeoutMs,
        maxWaitMs: env.INSTAGRAM_CONTAINER_WAIT_MINUTES * 60_000,
      }),
      linkedin: new LinkedInAdapter({
        baseUrl: env.LINKEDIN_API_BASE_URL, version: env.LINKEDIN_API_VERSION, timeoutMs, mediaFetcher,
        oauthBaseUrl: env.LINKEDIN_OAUTH_BASE_URL, clientId: env.LINKEDIN_CLIENT_ID, clientSecret: env.LINKEDIN_CLIENT_SECRET,
      }),
      mastodon: new MastodonAdapter({
        timeoutMs, mediaFetcher, mediaWaitMs: env.MASTODON_MEDIA_WAIT_MS, uploads: redisUploadMemory(redis),
        instanceGuard: publicInstanceGuard(env.OUTBOUND_ALLOW_PRIVATE_HOSTS === 'true'),
      }),
      bluesky: new BlueskyAdapter({
        baseUrl: env.BLUESKY_API_BASE_URL,
        plcDirectoryUrl: env.BLUESKY_PLC_DIRECTORY_URL,
        webUrl: env.BLUESKY_WEB_URL,
        // A PDS is an account's own server, like a Mastodon instance.
        allowPrivateHosts: env.OUTBOUND_ALLOW_PRIVATE_HOSTS === 'true',
        timeoutMs,
        mediaFetcher,
      }),
      // The API and the worker are separate processes: the sandbox keeps its posts and follower counts in Redis.
      sandbox: new SandboxAdapter({ store: redisSandboxStore(redis) }),
    };
    for (const network of Object.keys(this.adapters) as Network[]) this.adapters[network] = measured(this.adapters[network], metrics);
    this.warnAboutVersions(env);
  }

  /** Said once per process: an API version Chorus is configured with stops being served soon, or already has. */
  private warnAboutVersions(env: Env): void {
    const logger = new Logger('NetworkVersions');
    for (const status of [linkedInVersionStatus(env.LINKEDIN_API_VERSION), metaGraphVersionStatus(env.META_GRAPH_VERSION)]) {
      if (status.warning) logger.warn(status.warning);
    }
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

/** Media ids of Mastodon uploads per delivery file, shared by every worker, kept a day (beyond any retry). */
function redisUploadMemory(redis: Redis): MediaUploadMemory {
  const DAY_S = 86_400;
  return {
    get: (key) => redis.get(`mastodon-media:${key}`),
    set: async (key, id) => {
      await redis.set(`mastodon-media:${key}`, id, 'EX', DAY_S);
    },
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
