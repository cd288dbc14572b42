import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { isPartnerViewer, type Viewer } from '../../common/viewer';
import { POST_STATUS_SQL } from '../../campaigns/posts/post-status.sql';
import { placeholdersToNames } from '../../campaigns/posts/validation/placeholders';
import { renderCalendar, type IcsEvent } from './icalendar';

const STATUS_WORDS: Record<string, string> = {
  draft: 'brouillon',
  awaiting_approval: 'en attente d’approbation',
  rejected: 'refusé',
  scheduled: 'programmé',
  published: 'publié',
  partially_published: 'publié en partie',
  failed: 'échec',
  cancelled: 'annulé',
};

/**
 * The campaign's iCalendar feed: every post (at its minute) and every action (milestone), as
 * `viewer` may read them (a partner user: the posts on its own accounts). Who may read which feed
 * is CalendarFeedAccessService's business.
 */
@Injectable()
export class CalendarFeedService {
  constructor(private readonly db: DataSource) {}

  async render(campaignId: string, origin: string, viewer: Viewer): Promise<CalendarFile> {
    const campaigns = await this.db.query(`SELECT id, name, objective, time_zone AS "timeZone" FROM campaigns WHERE id = $1`, [campaignId]);
    if (!campaigns.length) throw DomainError.notFound('campaign', campaignId);
    const campaign = campaigns[0] as { id: string; name: string; objective: string; timeZone: string };
    const [posts, actions, partners] = await Promise.all([
      this.db.query(
        `SELECT p.id, p.scheduled_at AS "scheduledAt", p.version, p.updated_at AS "updatedAt", p.base_text AS "baseText",
                t.name AS "trackName", ${POST_STATUS_SQL} AS status,
                (SELECT string_agg(DISTINCT pa.name, ', ') FROM deliveries d JOIN channels c ON c.id = d.channel_id
                   JOIN partners pa ON pa.id = c.partner_id WHERE d.post_id = p.id) AS "partnerNames"
           FROM posts p LEFT JOIN tracks t ON t.id = p.track_id
          WHERE p.campaign_id = $1
            AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM deliveries d JOIN channels c ON c.id = d.channel_id WHERE d.post_id = p.id AND c.partner_id = $2))
          ORDER BY p.scheduled_at`,
        [campaignId, isPartnerViewer(viewer) ? viewer.partnerId : null],
      ),
      this.db.query(
        `SELECT a.id, a.title, a.description, a.occurs_at AS "occursAt", a.updated_at AS "updatedAt", t.name AS "trackName"
           FROM actions a LEFT JOIN tracks t ON t.id = a.track_id WHERE a.campaign_id = $1 ORDER BY a.occurs_at`,
        [campaignId],
      ),
      // Mentions ({{partner:slug}}) are read as names, as on the post page.
      this.db.query(`SELECT slug, name FROM partners`) as Promise<Array<{ slug: string; name: string }>>,
    ]);
    const forPeople = (text: string) => placeholdersToNames(text, partners);
    // Stable whatever address the feed is fetched from: the ids are UUIDs, unique on their own.
    const host = 'chorus';
    const events: IcsEvent[] = [
      ...posts.map((p: Record<string, any>): IcsEvent => ({
        uid: `post-${p.id}@${host}`,
        start: new Date(p.scheduledAt),
        durationMinutes: 15,
        summary: `Post (${STATUS_WORDS[p.status] ?? p.status}) : ${oneLine(forPeople(p.baseText), 60)}`,
        description: [forPeople(p.baseText), p.partnerNames ? `Comptes : ${p.partnerNames}` : '', p.trackName ? `Axe : ${p.trackName}` : '']
          .filter(Boolean)
          .join('\n\n'),
        url: `${origin}/app/posts/${p.id}`,
        categories: ['Post', ...(p.trackName ? [p.trackName] : [])],
        // Only what will (or did) go out is confirmed: a refused post waits for a new decision.
        status: p.status === 'cancelled' ? 'CANCELLED' : ['draft', 'awaiting_approval', 'rejected'].includes(p.status) ? 'TENTATIVE' : 'CONFIRMED',
        sequence: p.version,
        lastModified: new Date(p.updatedAt),
      })),
      ...actions.map((a: Record<string, any>): IcsEvent => ({
        uid: `action-${a.id}@${host}`,
        start: new Date(a.occursAt),
        durationMinutes: 60,
        summary: `Action : ${a.title}`,
        description: [a.description, a.trackName ? `Axe : ${a.trackName}` : ''].filter(Boolean).join('\n\n') || undefined,
        url: `${origin}/app/campaigns/${campaignId}`,
        categories: ['Action', ...(a.trackName ? [a.trackName] : [])],
        status: 'CONFIRMED',
        lastModified: new Date(a.updatedAt),
      })),
    ];
    const body = renderCalendar({
      name: `Chorus · ${campaign.name}`,
      description: campaign.objective || undefined,
      timeZone: campaign.timeZone,
      events,
      generatedAt: new Date(),
    });
    return { body, fileName: calendarFileName(campaign.name) };
  }
}

export interface CalendarFile {
  body: string;
  /** The campaign's name made a file name: 'CoSto Pack — 2026' → 'costo-pack-2026.ics'. */
  fileName: string;
}

export function calendarFileName(campaignName: string): string {
  const base = campaignName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${base || 'campagne'}.ics`;
}

/** At most `max` characters on one line, cut between words when there is one to cut at. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/, '')}…`;
}
