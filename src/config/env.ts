import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, validateSync } from 'class-validator';
import { DEFAULT_LINKEDIN_API_VERSION, DEFAULT_META_GRAPH_VERSION } from '../channels/adapters/api-versions';

const url = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Every environment variable Chorus reads, validated once at boot. A missing or malformed value
 * stops the process with one line naming the variable (see loadEnv).
 */
export class Env {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL!: string;

  /** 32 bytes, base64 or hex: the AES-256-GCM key for channel credentials. */
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'CHORUS_SECRET_KEY must be 32 bytes as 64 hex digits or 44 base64 characters (openssl rand -base64 32)',
  })
  CHORUS_SECRET_KEY!: string;

  @IsOptional() @Transform(({ value }) => (value === undefined ? 3000 : Number(value))) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  /** Prefix of every Redis key Chorus writes (BullMQ queues included), so several runs can share one Redis. */
  @IsOptional() @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'REDIS_PREFIX may hold letters, digits, : _ -' })
  REDIS_PREFIX = 'chorus';

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional() @Transform(({ value }) => (value === undefined ? 'true' : String(value)))
  @IsIn(['true', 'false'], { message: 'MIGRATIONS_RUN must be true or false' })
  MIGRATIONS_RUN = 'true';

  @IsOptional() @IsUrl(url) PUBLIC_URL?: string;

  @IsOptional() @IsUrl(url) X_API_BASE_URL = 'https://api.x.com';
  /** Graph root; a trailing /vNN.N is ignored: META_GRAPH_VERSION sets the version. */
  @IsOptional() @IsUrl(url) FACEBOOK_API_BASE_URL = 'https://graph.facebook.com';
  @IsOptional() @IsUrl(url) INSTAGRAM_API_BASE_URL = 'https://graph.facebook.com';
  @IsOptional() @IsUrl(url) LINKEDIN_API_BASE_URL = 'https://api.linkedin.com';
  /** Meta Graph API version for Facebook and Instagram (see docs/networks.md: versions expire). */
  @IsOptional() @Matches(/^v\d{1,3}\.\d$/, { message: 'META_GRAPH_VERSION must look like v25.0' })
  META_GRAPH_VERSION = DEFAULT_META_GRAPH_VERSION;
  /** LinkedIn-Version header, YYYYMM (LinkedIn serves each monthly version for about a year). */
  @IsOptional() @Matches(/^20\d{2}(0[1-9]|1[0-2])(\.\d{2})?$/, { message: 'LINKEDIN_API_VERSION must be YYYYMM, e.g. 202607' })
  LINKEDIN_API_VERSION = DEFAULT_LINKEDIN_API_VERSION;
  /** Posts per X account per 15 minutes (POST /2/tweets per-user limit of the app's plan). */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 100 : Number(value))) @IsInt() @Min(1)
  X_POSTS_PER_15MIN = 100;
  /** Posts per X account per 24 hours when the app's plan caps them; unset: no daily cap. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1)
  X_POSTS_PER_24H?: number;
  /** Posts of the whole X app (every account together) per 24 hours, paced across all workers through Redis. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 10_000 : Number(value))) @IsInt() @Min(1)
  X_APP_POSTS_PER_24H = 10_000;
  /** How long Chorus waits for a Mastodon instance to process an uploaded image or video (ms). */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 300_000 : Number(value))) @IsInt() @Min(1000)
  MASTODON_MEDIA_WAIT_MS = 300_000;
  /** Where Bluesky handles are resolved; each account's posts go to its own PDS, found from its DID. */
  @IsOptional() @IsUrl(url) BLUESKY_API_BASE_URL = 'https://bsky.social';
  /** The did:plc directory that names each Bluesky account's PDS. */
  @IsOptional() @IsUrl(url) BLUESKY_PLC_DIRECTORY_URL = 'https://plc.directory';
  /** Where X and LinkedIn post pages are (a delivery links there); the demo points them at its emulators. */
  @IsOptional() @IsUrl(url) X_WEB_URL = 'https://x.com';
  @IsOptional() @IsUrl(url) FACEBOOK_WEB_URL = 'https://www.facebook.com';
  @IsOptional() @IsUrl(url) LINKEDIN_WEB_URL = 'https://www.linkedin.com';
  /** Where a Bluesky post's page is (its delivery links there). */
  @IsOptional() @IsUrl(url) BLUESKY_WEB_URL = 'https://bsky.app';
  /** How long an Instagram container (a video or Reel being processed) is awaited before the attempt is retried later. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 10 : Number(value))) @IsInt() @Min(1) @Max(60)
  INSTAGRAM_CONTAINER_WAIT_MINUTES = 10;
  @IsOptional() @IsString() X_CLIENT_ID?: string;
  /** LinkedIn app credentials, needed only to renew connections with refresh tokens (approved Marketing partners). */
  @IsOptional() @IsString() LINKEDIN_CLIENT_ID?: string;
  @IsOptional() @IsString() LINKEDIN_CLIENT_SECRET?: string;
  @IsOptional() @IsUrl(url) LINKEDIN_OAUTH_BASE_URL = 'https://www.linkedin.com';
  @IsOptional() @IsString() X_CLIENT_SECRET?: string;

  /** Media given by URL is fetched only from public addresses unless this is true (tests, local demos). */
  @IsOptional() @IsIn(['true', 'false']) MEDIA_ALLOW_PRIVATE_HOSTS = 'false';

  @IsOptional() @Transform(({ value }) => (value === undefined ? 20 : Number(value))) @IsInt() @Min(1)
  MEDIA_MAX_MB = 20;

  /** Mastodon instances and partner webhooks may point to private addresses only when this is true (tests, local demos). */
  @IsOptional() @IsIn(['true', 'false']) OUTBOUND_ALLOW_PRIVATE_HOSTS = 'false';

  /**
   * Express's `trust proxy`: unset (default) trusts no proxy and takes the client address from the
   * connection; behind a reverse proxy give its hop count (1) or its addresses, so the login
   * throttle counts the real clients and not the proxy.
   */
  @IsOptional() @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/, ]+|loopback|linklocal|uniquelocal)$/, { message: 'TRUST_PROXY must be a hop count, true/false, or addresses (Express trust proxy)' })
  TRUST_PROXY?: string;

  /** Sign-in attempts per minute from one client address, whatever the e-mails (each e-mail has its own limit too). */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 30 : Number(value))) @IsInt() @Min(1)
  LOGIN_ATTEMPTS_PER_ADDRESS = 30;

  /** Sign-in attempts per minute for one e-mail (or invitation), from any address. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 10 : Number(value))) @IsInt() @Min(1)
  LOGIN_ATTEMPTS_PER_ACCOUNT = 10;

  /** Longest SQL statement an API request may run (ms); the worker is not bound by it. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 10_000 : Number(value))) @IsInt() @Min(100)
  API_STATEMENT_TIMEOUT_MS = 10_000;

  /**
   * Publish jobs one worker runs at once. A job mostly waits on a network (hundreds of ms per
   * call) and holds no database connection meanwhile, so this is sized for that wait, not for cores.
   */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 400 : Number(value))) @IsInt() @Min(1) @Max(1024)
  WORKER_CONCURRENCY = 400;

  /**
   * Deliveries get their Redis job only once due within this many minutes (fractions allowed);
   * the rest wait in Postgres alone, so Redis memory follows the near future, not the calendar.
   */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 60 : Number(value))) @IsNumber() @Min(0.01) @Max(10_080)
  PUBLISH_HORIZON_MINUTES = 60;

  /** How often each worker's reconciler re-enqueues due deliveries without a job and resolves stuck ones (ms). */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 30_000 : Number(value))) @IsInt() @Min(100)
  RECONCILE_INTERVAL_MS = 30_000;

  /** A delivery in `publishing` whose claim is older than this (ms) is treated as abandoned by a dead worker. Live workers renew it. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 120_000 : Number(value))) @IsInt() @Min(1000)
  PUBLISH_LEASE_MS = 120_000;

  /** Per-request timeout of the network adapters (ms). */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 15_000 : Number(value))) @IsInt() @Min(100)
  NETWORK_TIMEOUT_MS = 15_000;

  /**
   * After a publish attempt whose answer was lost (timeout, reset, 5xx), how long the network is
   * given to finish applying it before Chorus looks for the post and decides (ms).
   */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 120_000 : Number(value))) @IsInt() @Min(100)
  PUBLISH_RECHECK_MS = 120_000;

  /** smtp(s)://user:pass@host:port — e-mail (invites, approval links, notifications) is sent only when set. */
  @IsOptional() @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The worker's /metrics and /health port (0 = off). A second worker on the same host needs its own. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 9464 : Number(value))) @IsInt() @Min(0) @Max(65535)
  WORKER_METRICS_PORT = 9464;

  /** Bearer token of /metrics: the API serves /metrics only when it is set; the worker's port then asks for it too. */
  @IsOptional() @Matches(/^[\x21-\x7e]{16,}$/, { message: 'METRICS_TOKEN must be at least 16 printable characters without spaces' })
  METRICS_TOKEN?: string;

  @IsOptional() @IsString() MAIL_FROM = 'Chorus <no-reply@chorus.local>';

  /** A partner that has not decided this many hours before a post's minute is reminded once. */
  @IsOptional() @Transform(({ value }) => (value === undefined ? 24 : Number(value))) @IsInt() @Min(1) @Max(720)
  APPROVAL_REMINDER_HOURS = 24;
}

export class EnvError extends Error {}

/** Validates process.env; throws an EnvError whose message is one line per bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const plain = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Env, plain, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  if (errors.length) {
    const lines = errors.map((e) => {
      const given = (source as Record<string, string | undefined>)[e.property];
      const why = given === undefined || given === '' ? 'is missing' : 'is malformed';
      return `Configuration error: ${e.property} ${why}: ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new EnvError(lines.join('\n'));
  }
  return env;
}

export const ENV = Symbol('ENV');
