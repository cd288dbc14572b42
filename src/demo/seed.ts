import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { SYSTEM_ACTOR } from '../audit/audit.service';
import { CampaignService } from '../campaigns/campaign.service';
import { ActionService } from '../campaigns/actions/action.service';
import { PartnerService } from '../campaigns/partners/partner.service';
import { PostService } from '../campaigns/posts/post.service';
import { TrackService } from '../campaigns/tracks/track.service';
import { ChannelService } from '../channels/channel.service';
import { ChannelContextService } from '../channels/channel-context.service';
import { AdapterRegistry } from '../channels/adapters/adapter-registry';
import { ApprovalService } from '../campaigns/approvals/approval.service';
import { ConversionService } from '../analytics/conversions/conversion.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { UserService } from '../auth/user.service';
import { importDemoFollowerHistory } from './demo-history';
import { COSTO_CAMPAIGN, COSTO_PARTNERS, COSTO_TRACKS, DEMO_PASSWORD, demoEmail } from './costo-pack.seed-data';

const DAY = 86_400_000;
const MINUTE = 60_000;

/**
 * Seeds the CoSto Pack demo campaign through the same services the API uses. Idempotent: a
 * database that already has the campaign is left as it is.
 */
async function seed(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const ds = app.get(DataSource);
    const [existing] = await ds.query(`SELECT id FROM campaigns WHERE slug = $1`, [COSTO_CAMPAIGN.slug]);
    if (existing) {
      console.log(`Demo campaign already seeded (${existing.id}).`);
      return;
    }
    const actor = { ...SYSTEM_ACTOR, label: 'demo seed' };
    const partners = app.get(PartnerService);
    const channels = app.get(ChannelService);
    const idBySlug = new Map<string, string>();
    const channelIds: Record<string, string[]> = {};
    for (const p of COSTO_PARTNERS) {
      const partner = await partners.create({ slug: p.slug, name: p.name, kind: p.kind, website: p.website });
      idBySlug.set(p.slug, partner.id);
      channelIds[p.slug] = [];
      for (const [i, account] of p.accounts.entries()) {
        const channel = await channels.create(
          partner.id,
          { network: 'sandbox', handle: account.handle, externalId: `${p.slug}-${account.standsFor.toLowerCase()}-${i}`, displayName: `${account.standsFor} (simulé)`, credentials: { accessToken: `sandbox-${p.slug}-${i}` } },
          actor,
        );
        channelIds[p.slug].push(channel.id);
      }
    }

    const now = Date.now();
    const campaign = await app.get(CampaignService).create(
      {
        ...COSTO_CAMPAIGN,
        startsAt: new Date(now - 14 * DAY).toISOString(),
        endsAt: new Date(now + 60 * DAY).toISOString(),
        partnerIds: [...idBySlug.values()],
        operatorPartnerId: idBySlug.get('costo'),
      },
      actor,
    );
    const tracks = app.get(TrackService);
    const actions = app.get(ActionService);
    const trackIds: string[] = [];
    for (const t of COSTO_TRACKS) {
      const track = await tracks.create(
        campaign.id,
        { name: t.name, objective: t.objective, outputIndicators: t.outputIndicators, resultIndicators: t.resultIndicators, leaderPartnerIds: t.leaders.map((s) => idBySlug.get(s)!), memberPartnerIds: t.members.map((s) => idBySlug.get(s)!) },
        actor,
      );
      trackIds.push(track.id);
      for (const a of t.actions) {
        await actions.create(campaign.id, { title: a.title, occursAt: new Date(now + a.inDays * DAY).toISOString(), trackId: track.id }, actor);
      }
    }

    const posts = app.get(PostService);
    const retail = COSTO_TRACKS[0];
    const retailChannels = [...retail.leaders, ...retail.members, 'costo'].flatMap((s) => channelIds[s]);
    const tourismChannels = [...COSTO_TRACKS[1].leaders, ...COSTO_TRACKS[1].members].flatMap((s) => channelIds[s]);
    const videoPost = await posts.create(
      campaign.id,
      {
        baseText: 'Nouvelle vidéo CoSto Pack : {{partner:petitscommerces}} présente ses services dans une boutique du 18e. Regardez-la et partagez ! #CoStoPack',
        link: 'https://www.costo.paris/videos/petitscommerces',
        media: [{ url: 'https://www.costo.paris/media/petitscommerces.jpg', type: 'image', altText: 'Une commerçante du 18e devant sa vitrine' }],
        channelIds: retailChannels,
        scheduledAt: new Date(now + 2 * MINUTE).toISOString(),
        trackId: trackIds[0],
      },
      actor,
    );
    const tourPost = await posts.create(
      campaign.id,
      {
        baseText: 'Balade officielle dans le 18e avec {{partner:bastina}} et {{partner:ciwy}} : Marché Vernaison, Halle Pajol, Station Rosa Parks… Inscriptions ouvertes !',
        link: 'https://www.costo.paris/balade',
        media: [{ url: 'https://www.costo.paris/media/balade.jpg', type: 'image', altText: 'Le Marché Vernaison' }],
        channelIds: tourismChannels,
        scheduledAt: new Date(now + 4 * MINUTE).toISOString(),
        trackId: trackIds[1],
      },
      actor,
    );
    const fundingPost = await posts.create(
      campaign.id,
      {
        baseText: 'Commerçants : financez votre projet avec {{partner:tudigo}} et {{partner:pie}}, partenaires du CoSto Pack.',
        channelIds: [...channelIds['costo'], ...channelIds['tudigo'], ...channelIds['pie']],
        scheduledAt: new Date(now + DAY).toISOString(),
        trackId: trackIds[0],
      },
      actor,
    );

    // People: one manager, one reviewer, one user per partner (all with the demo password).
    const userService = app.get(UserService);
    const asUser = async (email: string, name: string, role: AuthenticatedUser['role'], partnerId: string | null): Promise<AuthenticatedUser> => {
      const u = await userService.create({ email, name, role, partnerId, password: DEMO_PASSWORD });
      return { id: u.id, email: u.email, name: u.name, role: u.role, partnerId: u.partnerId, locale: u.locale, sessionId: 'demo-seed' };
    };
    const manager = await asUser(demoEmail('manager'), 'Camille (SEMAEST)', 'manager', null);
    await asUser(demoEmail('revue'), 'Groupe de pilotage', 'reviewer', null);
    const partnerUsers = new Map<string, AuthenticatedUser>();
    for (const p of COSTO_PARTNERS) {
      if (p.slug === 'costo') continue;
      partnerUsers.set(p.slug, await asUser(demoEmail(p.slug), `Équipe ${p.name}`, 'partner', idBySlug.get(p.slug)!));
    }

    // Consent: every post is submitted; most partners approve. CMaRue has not answered for the
    // video (its delivery will be skipped at the minute, as the rule says), nor has anyone yet
    // for tomorrow's post (it waits in their inboxes).
    const approvals = app.get(ApprovalService);
    for (const post of [videoPost, tourPost, fundingPost]) await approvals.submit(post.id, manager);
    const approveAll = async (postId: string, version: number, slugs: string[]) => {
      for (const slug of slugs) await approvals.decideAsUser(postId, partnerUsers.get(slug)!, { decision: 'approved', version });
    };
    await approveAll(videoPost.id, videoPost.version, [...retail.leaders, ...retail.members].filter((s) => s !== 'cmarue'));
    await approveAll(tourPost.id, tourPost.version, [...COSTO_TRACKS[1].leaders, ...COSTO_TRACKS[1].members].filter((s) => s !== 'costo'));

    // Results so far: new customers recorded by partners, and the simulated follower history.
    const conversions = app.get(ConversionService);
    const day = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString().slice(0, 10);
    await conversions.record(campaign.id, partnerUsers.get('petitscommerces')!, { occurredOn: day(10), count: 3, source: 'costo_cheque', note: 'Boutiques de la rue Myrha' });
    await conversions.record(campaign.id, partnerUsers.get('tudigo')!, { occurredOn: day(6), count: 1, source: 'campaign_code' });
    await conversions.record(campaign.id, partnerUsers.get('bastina')!, { occurredOn: day(3), count: 12, source: 'link', note: 'Balade du samedi' });
    const sandboxChannels = Object.values(channelIds).flat();
    const featured = new Set(['petitscommerces', 'bastina', 'ciwy', 'tudigo', 'pie'].flatMap((s) => channelIds[s]));
    const points = await importDemoFollowerHistory(ds, app.get(ChannelContextService), app.get(AdapterRegistry).for('sandbox'), {
      channelIds: sandboxChannels,
      featured,
      from: new Date(campaign.baselineStartsAt),
      campaignStart: new Date(campaign.startsAt),
      now: new Date(now),
    });

    console.log(`Imported ${points} simulated follower points for ${sandboxChannels.length} sandbox channels.`);
    console.log(`Seeded demo campaign "${campaign.name}" (${campaign.id}) with ${COSTO_PARTNERS.length} partners.`);
  } finally {
    await app.close();
  }
}

seed().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
