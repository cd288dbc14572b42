import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { uniqueSlug } from './builders';
import { createUser, type AuthedHttp, type TestApp } from './test-app';

export interface WebUser {
  email: string;
  password: string;
}

export interface WebWorld {
  manager: AuthedHttp;
  campaignId: string;
  campaignName: string;
  operator: { id: string; name: string; xChannelId: string; sandboxChannelId: string };
  /** A (signs in to approve), B (approves by link), C (one channel needs re-authorisation). */
  partners: Array<{ id: string; slug: string; name: string; channelId: string }>;
  users: { manager: WebUser; partnerA: WebUser; partnerB: WebUser; reviewer: WebUser };
}

const DAY = 86_400_000;

/** 'YYYY-MM-DDT00:00' `days` from today (campaign-zone local time, as the API reads it). */
function localDay(days: number): string {
  return new Date(Date.now() + days * DAY).toISOString().slice(0, 10) + 'T00:00';
}

/**
 * A small CoSto-like campaign for the browser tests, through the API: an operator with an X and
 * a sandbox account, three partners with a sandbox account each, two tracks, an action, users of
 * every role with known passwords, follower readings (SQL, as the poller writes them) and one
 * published joint post, so every page has something to show.
 */
export async function aWebWorld(t: TestApp): Promise<WebWorld> {
  const manager = await t.as('manager');
  const db = t.app.get(DataSource);

  const mkPartner = async (name: string, networks: Array<'sandbox' | 'x'>) => {
    const slug = uniqueSlug(name.toLowerCase().replace(/[^a-z0-9]+/g, ''));
    const partner = (await manager.post('/api/partners').send({ slug, name }).expect(201)).body as { id: string };
    const channels: Record<string, string> = {};
    for (const network of networks) {
      const handle = network === 'x' ? `@${slug.slice(0, 12)}` : `@${slug}`;
      const channel = (
        await manager
          .post(`/api/partners/${partner.id}/channels`)
          .send({ network, handle, externalId: randomUUID(), credentials: { accessToken: 'test-token' } })
          .expect(201)
      ).body as { id: string };
      channels[network] = channel.id;
    }
    return { id: partner.id, slug, name, channels };
  };

  const operator = await mkPartner('CoSto SEMAEST', ['x', 'sandbox']);
  const a = await mkPartner('Petits Commerces', ['sandbox']);
  const b = await mkPartner('Tudigo', ['sandbox']);
  const c = await mkPartner('Le Carillon', ['sandbox']);
  await db.query(`UPDATE channels SET status = 'needs_reauth', status_reason = 'Token revoked by the network' WHERE id = $1`, [c.channels.sandbox]);

  const campaignName = 'CoSto Pack — test';
  // Read once: two readings on either side of midnight UTC would put the baseline's end after the start.
  const startsAt = localDay(-20);
  const campaign = (
    await manager
      .post('/api/campaigns')
      .send({
        slug: uniqueSlug('costo-web'),
        name: campaignName,
        objective: 'Donner une visibilité réciproque aux actions de chaque partenaire.',
        timeZone: 'Europe/Paris',
        startsAt,
        endsAt: localDay(40),
        baselineStartsAt: localDay(-50),
        baselineEndsAt: startsAt,
        partnerIds: [operator.id, a.id, b.id, c.id],
        operatorPartnerId: operator.id,
      })
      .expect(201)
  ).body as { id: string };
  const retail = (await manager.post(`/api/campaigns/${campaign.id}/tracks`).send({ name: 'Services aux commerçants', leaderPartnerIds: [a.id] }).expect(201))
    .body as { id: string };
  await manager.post(`/api/campaigns/${campaign.id}/tracks`).send({ name: 'Tourisme', leaderPartnerIds: [operator.id] }).expect(201);
  await manager
    .post(`/api/campaigns/${campaign.id}/actions`)
    // A long title, as real ones are: its option once made the composer wider than a phone.
    .send({ title: 'Balade officielle : Marché Vernaison, Marché Serpette, Le Hasard Ludique, La Petite Ceinture, Halle Pajol et les commerçants du 18e', occursAt: new Date(Date.now() + 2 * DAY).toISOString(), trackId: retail.id })
    .expect(201);

  // Follower readings twice a day from the baseline start to now: a steady trend, faster during the campaign.
  const sandboxChannels = [operator, a, b, c].map((p, i) => ({ id: p.channels.sandbox!, base: 800 + 350 * i, slope: 2 + i, boost: 3 + 2 * i }));
  const start = Date.now() - 50 * DAY;
  const campaignStart = Date.now() - 20 * DAY;
  for (const ch of sandboxChannels) {
    const times: Date[] = [];
    const counts: number[] = [];
    for (let ms = start; ms <= Date.now(); ms += DAY / 2) {
      const days = (ms - start) / DAY;
      const boosted = Math.max(0, (ms - campaignStart) / DAY);
      times.push(new Date(ms));
      counts.push(Math.round(ch.base + ch.slope * days + ch.boost * boosted));
    }
    await db.query(
      `INSERT INTO follower_snapshots (channel_id, taken_at, outcome, followers, source)
       SELECT $1, r.taken_at, 'count', r.followers, 'import' FROM unnest($2::timestamptz[], $3::int[]) AS r(taken_at, followers)`,
      [ch.id, times, counts],
    );
  }

  // One joint post already out: A and B carried a post featuring each other and the operator.
  const published = (
    await manager
      .post(`/api/campaigns/${campaign.id}/posts`)
      .send({
        baseText: 'Rencontrez {{partner:' + a.slug + '}} et {{partner:' + b.slug + '}} au marché Dejean !',
        channelIds: [a.channels.sandbox, b.channels.sandbox, operator.channels.sandbox],
        featuredPartnerIds: [a.id, b.id, operator.id],
        scheduledAt: new Date(Date.now() + DAY).toISOString(),
        trackId: retail.id,
      })
      .expect(201)
  ).body as { id: string };
  // Three days ago, but within the current month in Paris: the calendar opens on this month, and
  // in a month's first days "three days ago" is in the previous one.
  const monthStart = DateTime.now().setZone('Europe/Paris').startOf('month').toMillis();
  const publishedAt = new Date(Math.min(Date.now() - 1000, Math.max(Date.now() - 3 * DAY, monthStart + 60_000)));
  await db.query(`UPDATE posts SET scheduled_at = $2, submitted_at = $2 WHERE id = $1`, [published.id, publishedAt]);
  await db.query(
    `UPDATE deliveries SET status = 'published', published_at = $2, due_at = $2, approved_version = post_version,
            external_id = 'ext-' || id, external_url = 'https://sandbox.example/posts/' || id
      WHERE post_id = $1`,
    [published.id, publishedAt],
  );

  const user = async (role: 'manager' | 'partner' | 'reviewer', partnerId?: string): Promise<WebUser> => {
    const u = await createUser(t.app, role, partnerId ? { partnerId } : undefined);
    return { email: u.email, password: u.password };
  };
  return {
    manager,
    campaignId: campaign.id,
    campaignName,
    operator: { id: operator.id, name: operator.name, xChannelId: operator.channels.x!, sandboxChannelId: operator.channels.sandbox! },
    partners: [a, b, c].map((p) => ({ id: p.id, slug: p.slug, name: p.name, channelId: p.channels.sandbox! })),
    users: { manager: await user('manager'), partnerA: await user('partner', a.id), partnerB: await user('partner', b.id), reviewer: await user('reviewer') },
  };
}
