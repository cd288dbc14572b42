import { Inject, Injectable } from '@nestjs/common';
import { ENV, Env } from '../../config/env';
import { HttpMediaFetcher } from '../media/media-fetcher';
import { Network } from '../network';
import { BlueskyAdapter } from './bluesky/bluesky.adapter';
import { MastodonAdapter } from './mastodon/mastodon.adapter';
import { NetworkAdapter } from './network-adapter';
import { XAdapter } from './x/x.adapter';

/**
 * One adapter per network, built once from configuration (base URLs, timeouts, media limits).
 * Mastodon has no global base URL: its adapter talks to each channel's own instance_url.
 */
@Injectable()
export class AdapterRegistry {
  private readonly adapters: Partial<Record<Network, NetworkAdapter>>;

  constructor(@Inject(ENV) env: Env) {
    const mediaFetcher = new HttpMediaFetcher({
      allowPrivateHosts: env.MEDIA_ALLOW_PRIVATE_HOSTS === 'true',
      maxBytes: env.MEDIA_MAX_MB * 1024 * 1024,
    });
    const timeoutMs = env.NETWORK_TIMEOUT_MS;
    this.adapters = {
      x: new XAdapter({ baseUrl: env.X_API_BASE_URL, timeoutMs, clientId: env.X_CLIENT_ID, clientSecret: env.X_CLIENT_SECRET, mediaFetcher }),
      mastodon: new MastodonAdapter({ timeoutMs, mediaFetcher }),
      bluesky: new BlueskyAdapter({ baseUrl: env.BLUESKY_API_BASE_URL, timeoutMs, mediaFetcher }),
    };
  }

  /** The adapter for a network; throws when none is configured (a bug: every network has one). */
  for(network: Network): NetworkAdapter {
    const adapter = this.adapters[network];
    if (!adapter) throw new Error(`No adapter for network ${network}`);
    return adapter;
  }
}
