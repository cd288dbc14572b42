import { DataSource } from 'typeorm';
import type { AuthedHttp, TestApp } from './test-app';
import { uniqueSlug } from './builders';

/**
 * Fixtures for the result-indicator tests. Partners, channels and campaigns go through the HTTP
 * API; follower snapshots are inserted with SQL, since in production only the poller writes them
 * and feeding a known series is the point of these tests.
 */
export interface AnalyticsWorld {
  manager: AuthedHttp;
  campaignId: string;
  campaignSlug: string;
  partners: Array<{ id: string; slug: string; channelIds: string[] }>;
}

export async function createPartnerWithChannels(
  manager: AuthedHttp,
  base: string,
  networks: string[],
): Promise<{ id: string; slug: string; channelIds: string[] }> {
  const slug = uniqueSlug(base);
  const partner = await manager.post('/api/partners').send({ slug, name: base }).expect(201);
  const channelIds: string[] = [];
  for (const network of networks) {
    const extra = network === 'mastodon' ? { instanceUrl: 'https://mastodon.example' } : {};
    const res = await manager
      .post(`/api/partners/${partner.body.id}/channels`)
      .send({ network, handle: `@${slug}`, externalId: uniqueSlug(`${network}-${slug}`), ...extra })
      .expect(201);
    channelIds.push(res.body.id);
  }
  return { id: partner.body.id, slug, channelIds };
}

/** A campaign with one partner per entry of `partnerNetworks`, each with channels on those networks. */
export async function createAnalyticsWorld(
  t: TestApp,
  options: {
    partnerNetworks: string[][];
    startsAt: string;
    endsAt: string;
    baselineStartsAt?: string;
    baselineEndsAt?: string;
  },
): Promise<AnalyticsWorld> {
  const manager = await t.as('manager');
  const partners = [];
  for (const [i, networks] of options.partnerNetworks.entries()) {
    partners.push(await createPartnerWithChannels(manager, `p${i}`, networks));
  }
  const campaignSlug = uniqueSlug('ind');
  const campaign = await manager
    .post('/api/campaigns')
    .send({
      slug: campaignSlug,
      name: 'Indicators test',
      timeZone: 'Europe/Paris',
      startsAt: options.startsAt,
      endsAt: options.endsAt,
      ...(options.baselineStartsAt ? { baselineStartsAt: options.baselineStartsAt } : {}),
      ...(options.baselineEndsAt ? { baselineEndsAt: options.baselineEndsAt } : {}),
      partnerIds: partners.map((p) => p.id),
    })
    .expect(201);
  return { manager, campaignId: campaign.body.id, campaignSlug, partners };
}

export interface SnapshotRow {
  takenAt: Date;
  followers: number | null;
  outcome?: 'count' | 'not_available' | 'failed';
  errorKind?: string;
  /** A reading taken for a campaign edge (follower_snapshots.edge_at), with the source the poller gives it. */
  edgeAt?: Date;
  source?: 'campaign_start' | 'campaign_end' | 'schedule';
}

/** Inserts snapshots in one statement (as the poller's inserts would, through the daily-point trigger). */
export async function insertSnapshots(t: TestApp, channelId: string, rows: SnapshotRow[]): Promise<void> {
  if (!rows.length) return;
  const db = t.app.get(DataSource);
  await db.query(
    `INSERT INTO follower_snapshots (channel_id, taken_at, outcome, followers, source, error_kind, edge_at)
     SELECT $1, r.taken_at, r.outcome, r.followers, r.source, r.error_kind, r.edge_at
       FROM unnest($2::timestamptz[], $3::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[])
            AS r(taken_at, outcome, followers, error_kind, source, edge_at)`,
    [
      channelId,
      rows.map((r) => r.takenAt),
      rows.map((r) => r.outcome ?? (r.followers === null ? 'not_available' : 'count')),
      rows.map((r) => r.followers),
      rows.map((r) => (r.outcome === 'failed' ? r.errorKind ?? 'transient' : null)),
      rows.map((r) => r.source ?? 'import'),
      rows.map((r) => r.edgeAt ?? null),
    ],
  );
}

/** A linear series: `followersAt(t)` sampled every `everyHours` from `from` (inclusive) to `to` (inclusive). */
export function series(from: string, to: string, everyHours: number, followersAt: (t: Date) => number): SnapshotRow[] {
  const rows: SnapshotRow[] = [];
  for (let ms = Date.parse(from); ms <= Date.parse(to); ms += everyHours * 3_600_000) {
    const takenAt = new Date(ms);
    rows.push({ takenAt, followers: followersAt(takenAt) });
  }
  return rows;
}

/** followers = base + perDay × days since `origin`, rounded to whole followers. */
export function linear(origin: string, base: number, perDay: number): (t: Date) => number {
  return (t) => Math.round(base + (perDay * (t.getTime() - Date.parse(origin))) / 86_400_000);
}

/**
 * A joint post created through the API, then marked published on the given channels with SQL
 * (standing in for the publishing pipeline, which is not what these tests are about).
 */
export async function publishedPost(
  t: TestApp,
  manager: AuthedHttp,
  campaignId: string,
  options: { channelIds: string[]; featuredPartnerIds: string[]; link?: string; publishedAt?: Date },
): Promise<{ postId: string; deliveryIds: Record<string, string> }> {
  const res = await manager
    .post(`/api/campaigns/${campaignId}/posts`)
    .send({
      baseText: 'Découvrez nos partenaires du CoSto Pack',
      channelIds: options.channelIds,
      featuredPartnerIds: options.featuredPartnerIds,
      ...(options.link ? { link: options.link } : {}),
      scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
    })
    .expect(201);
  const deliveryIds: Record<string, string> = {};
  for (const d of res.body.deliveries as Array<{ id: string; channelId: string }>) deliveryIds[d.channelId] = d.id;
  await t.app.get(DataSource).query(
    `UPDATE deliveries SET status = 'published', published_at = $2, external_id = 'ext-' || id WHERE post_id = $1`,
    [res.body.id, options.publishedAt ?? new Date()],
  );
  return { postId: res.body.id, deliveryIds };
}

export interface PostMetricRow {
  takenAt: Date;
  age?: string;
  outcome?: 'ok' | 'unsupported' | 'failed';
  views?: number | null;
  reach?: number | null;
  likes?: number | null;
  reposts?: number | null;
  replies?: number | null;
  quotes?: number | null;
  linkClicks?: number | null;
}

/** Inserts per-post readings of one delivery in one statement (as the reader's inserts would, through the latest-figures trigger). */
export async function insertPostMetrics(t: TestApp, deliveryId: string, rows: PostMetricRow[], source = 'test'): Promise<void> {
  const db = t.app.get(DataSource);
  const col = <K extends keyof PostMetricRow>(k: K) => rows.map((r) => (r[k] === undefined ? null : r[k]));
  await db.query(
    `INSERT INTO post_metric_snapshots (delivery_id, taken_at, age, outcome, source, error_kind, views, reach, likes, reposts, replies, quotes, link_clicks)
     SELECT $1, r.taken_at, r.age, r.outcome, $2, CASE WHEN r.outcome = 'failed' THEN 'transient' END,
            r.views, r.reach, r.likes, r.reposts, r.replies, r.quotes, r.link_clicks
       FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::int[])
            AS r(taken_at, age, outcome, views, reach, likes, reposts, replies, quotes, link_clicks)`,
    [deliveryId, source, col('takenAt'), rows.map((r) => r.age ?? 'manual'), rows.map((r) => r.outcome ?? 'ok'),
      col('views'), col('reach'), col('likes'), col('reposts'), col('replies'), col('quotes'), col('linkClicks')],
  );
}
