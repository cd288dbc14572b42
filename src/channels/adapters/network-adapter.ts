import { Network } from '../network';
import type { PostMetricsReading, PublishedPostRef } from './post-metrics';

/**
 * The contract every network adapter fulfils. The publishing pipeline (src/queue) only talks
 * to networks through this interface; each adapter's base URL comes from configuration so
 * tests point it at the local emulators in test/emulators.
 */

/** Decrypted credentials of one channel. Shape is per network; never logged, never returned by the API. */
export interface ChannelCredentials {
  accessToken?: string;
  refreshToken?: string;
  /** Epoch milliseconds at which accessToken expires, when the network says. */
  expiresAt?: number;
  /** OAuth 1.0a (X) or app secrets, Bluesky app password, etc. */
  [key: string]: string | number | undefined;
}

export interface MediaItem {
  url: string;
  altText?: string;
  type: 'image' | 'video';
}

/** What an adapter knows about the channel it acts for. */
export interface ChannelContext {
  channelId: string;
  network: Network;
  /** Account handle as shown to people, e.g. "@petitscommerces" or "petitscommerces.bsky.social". */
  handle: string;
  /** Network-side id: X user id, Facebook page id, IG user id, LinkedIn author URN, Mastodon account id, Bluesky DID. */
  externalId: string;
  /** Instance base URL for networks that have instances (Mastodon), else null. */
  instanceUrl: string | null;
  credentials: ChannelCredentials;
}

export interface PublishRequest {
  deliveryId: string;
  /**
   * Stable per delivery (same across retries and crashes). Used as Mastodon's Idempotency-Key,
   * Bluesky's record key, and embedded where a network allows, so a retry cannot post twice.
   */
  idempotencyKey: string;
  /**
   * The delivery's resolved text, exactly as the partner approved it (its tracked short link
   * included when Chorus has a PUBLIC_URL). Final: adapters send it as it is and never append,
   * cut or rebuild it (only a network's own encoding, e.g. LinkedIn's escaping, applies).
   */
  text: string;
  media: MediaItem[];
  /**
   * The delivery's link, the same one the text already carries (the tracked short link when
   * Chorus has a PUBLIC_URL, else the post's link), or null. Only for networks that take a link
   * apart from the text: Facebook's `link` (preview card), a Bluesky external embed card, a
   * LinkedIn article. Never appended to the text.
   */
  link: string | null;
  /** The campaign's language (BCP 47, e.g. "fr"), for networks that label a post's language (Bluesky `langs`). */
  language?: string | null;
  /**
   * What earlier attempts left on the network that the adapter asked to keep (Instagram: the
   * container id of each attempt, checked before another is created). Empty on a first attempt.
   */
  attemptRefs?: string[];
  /** Stores a ref of this attempt before the call that may publish it (see attemptRefs). */
  rememberAttemptRef?: (ref: string) => Promise<void>;
}

export interface PublishedPost {
  externalId: string;
  url: string | null;
  publishedAt: Date;
}

export interface FollowerReading {
  /** null when the network cannot give a count for this kind of account (shown as "not available", never 0). */
  followers: number | null;
  posts: number | null;
}

export const NETWORK_ERROR_KINDS = ['rate_limited', 'transient', 'auth', 'content', 'unknown'] as const;
export type NetworkErrorKind = (typeof NETWORK_ERROR_KINDS)[number];

/** Every failure an adapter reports is one of these, already classified. */
export class NetworkError extends Error {
  constructor(
    readonly kind: NetworkErrorKind,
    message: string,
    readonly options: {
      /** When the network says the limit resets (rate_limited), if it says. */
      retryAt?: Date;
      /** The request may have been applied before the failure (5xx after commit, reset mid-request, timeout). */
      maybeCommitted?: boolean;
      /** Network-specific code, e.g. "187", "190/463", "DUPLICATE_POST". */
      networkCode?: string;
      httpStatus?: number;
      /** For content errors that mean "this exact post already exists": its id when the network gives it. */
      duplicateOf?: PublishedPost;
      /** The network refused the post as a duplicate of one already on the account (named or not). */
      duplicate?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** Posting limits the pipeline enforces before the network has to refuse. */
export interface PostingLimit {
  posts: number;
  windowMs: number;
}

/** Limits a network applies to the whole app (client id), across every account it posts for. */
export interface AppPostingLimits {
  /** Names the app's shared window, e.g. `x:<client id>`. */
  key: string;
  limits: PostingLimit[];
}

export interface NetworkAdapter {
  readonly network: Network;
  /** Known publishing limits per channel (e.g. Instagram 50 per 24 h). */
  readonly postingLimits: PostingLimit[];
  /** Known publishing limits of the whole app, paced across every worker (AppPacer). */
  readonly appPostingLimits?: AppPostingLimits;
  /** Publish once. Throws NetworkError. */
  publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost>;
  /**
   * Looks for an earlier publication of this delivery (after a crash or an ambiguous failure),
   * using the account's recent posts, the idempotency key, or a stored id. Returns null when
   * the network shows it was not published. Throws NetworkError when it cannot tell.
   */
  findPublished(channel: ChannelContext, request: PublishRequest, since: Date): Promise<PublishedPost | null>;
  /**
   * False for accounts whose posts the network does not let us list (LinkedIn member profiles):
   * findPublished cannot tell there, and a retry relies on the network's duplicate answer. Absent = true.
   */
  canListPosts?(channel: ChannelContext): boolean;
  readFollowers(channel: ChannelContext): Promise<FollowerReading>;
  /**
   * Present when the network lets us refresh an expired token (X OAuth 2.0 rotates refresh
   * tokens: the returned credentials replace the stored ones). Throws NetworkError('auth') when
   * the refresh itself is refused.
   */
  refreshCredentials?(channel: ChannelContext): Promise<ChannelCredentials>;
  /**
   * The network's own figures for one published post (views, likes, reposts…; see post-metrics.ts).
   * A figure the network does not give is null, never 0. Throws NetworkError.
   */
  readPostMetrics?(channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading>;
}
