import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readActionPlan } from './action-plan.sql';
import { localDay } from '../analytics-window';
import { IndicatorsService, RollupIndicator } from '../indicators/indicators.service';
import { ReciprocityService } from '../reciprocity/reciprocity.service';
import type { LiftInterval } from '../indicators/lift-interval';
import { Cell, toCsv } from './csv';
import { CUSTOMER_SOURCE_FR, frenchReport, parisTime, ReportRow } from './report-fr';

const HEADER = ['section', 'track', 'partner', 'scope', 'indicator', 'value', 'unit', 'window_from', 'window_to', 'data_source', 'note'];
const SRC_FOLLOWERS = 'follower snapshots read from the networks’ APIs (last reading at or before each end of the window)';
const SRC_TREND = 'least-squares trend of daily follower points over the baseline window';
const SRC_CONVERSIONS = 'new customers recorded by partners in Chorus';
const SRC_CLICKS = 'clicks on Chorus tracked links (counters, no personal data)';
const SRC_DELIVERIES = 'published deliveries recorded by Chorus';
const SRC_PLAN = 'campaign plan';

/**
 * The funder report as CSV: the campaign, then per track its objective, output and result
 * indicators with the track's figures, then per partner every figure with its window and data
 * source. One figure per row so nothing is merged or rounded away.
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly db: DataSource,
    private readonly indicators: IndicatorsService,
    private readonly reciprocity: ReciprocityService,
  ) {}

  /**
   * `form`: 'machine' (the default: comma-separated, figures unrounded, English words, partner
   * slugs, ISO instants) or 'fr', for French spreadsheets (semicolons, decimal commas, rounded
   * figures, French words, partner names, Paris times).
   */
  async csv(campaignId: string, query: { from?: string; to?: string }, form: 'machine' | 'fr' = 'machine'): Promise<{ filename: string; body: string }> {
    const ind = await this.indicators.forCampaign(campaignId, query);
    const [recip, { objective, tracks }] = await Promise.all([
      this.reciprocity.forCampaign(campaignId, query),
      readActionPlan(this.db, campaignId),
    ]);
    const from = ind.window.from;
    const to = ind.window.effectiveTo;
    const rows: ReportRow[] = [];
    /** `note` may carry its French wording for the French form. */
    const add = (section: string, track: string, partner: string, scope: string, indicator: string, value: Cell, unit: string, source: string, note: string | { en: string; fr: string } = '') =>
      rows.push({ section, track, partner, scope, indicator, value, unit, source, note: typeof note === 'string' ? note : note.en, noteFr: typeof note === 'string' ? undefined : note.fr });
    const followerRows = (section: string, track: string, partner: string, scope: string, f: RollupIndicator) => {
      const coverage = {
        en: `${f.channelsWithData} of ${f.channels} channels counted; ${f.channelsNotAvailable} not available; ${f.channelsWithoutData} without data; ${f.channelsStartedInWindow} started in the window`,
        fr: `${f.channelsWithData} comptes sur ${f.channels} comptés ; ${f.channelsNotAvailable} non disponibles ; ${f.channelsWithoutData} sans données ; ${f.channelsStartedInWindow} commencés pendant la période`,
      };
      add(section, track, partner, scope, 'new followers', f.newFollowers, 'followers', SRC_FOLLOWERS, coverage);
      add(section, track, partner, scope, 'followers at start', f.startFollowers, 'followers', SRC_FOLLOWERS);
      add(section, track, partner, scope, 'followers at end', f.endFollowers, 'followers', SRC_FOLLOWERS);
      add(section, track, partner, scope, 'follower growth', f.growthPct, '%', SRC_FOLLOWERS);
      add(section, track, partner, scope, 'expected growth from baseline trend', f.expectedGrowth, 'followers', SRC_TREND, {
        en: `${f.channelsWithBaseline} channels with a baseline, ${f.baselinePoints} daily points; their actual growth: ${f.newFollowersWithBaseline ?? 'n/a'}`,
        fr: `${f.channelsWithBaseline} comptes avec une période de référence, ${f.baselinePoints} relevés quotidiens ; leur croissance réelle : ${f.newFollowersWithBaseline ?? 'n.d.'}`,
      });
      add(section, track, partner, scope, 'lift over baseline trend', f.lift, 'followers', SRC_TREND, { en: liftNote(f.liftInterval), fr: liftNoteFr(f.liftInterval) });
      add(section, track, partner, scope, 'lift 95% interval half-width', f.liftInterval?.halfWidth ?? null, 'followers', SRC_TREND,
        f.liftInterval
          ? { en: `Student t, ${f.liftInterval.degreesOfFreedom} degrees of freedom`, fr: `t de Student, ${f.liftInterval.degreesOfFreedom} degrés de liberté` }
          : { en: 'not available: fewer than 3 daily baseline points', fr: 'non disponible : moins de 3 relevés quotidiens de référence' });
    };

    add('campaign', '', '', 'campaign', 'guiding objective', objective ?? '', 'text', SRC_PLAN);
    add('campaign', '', '', 'campaign', 'baseline window', `${ind.window.baseline.from} .. ${ind.window.baseline.to}`, 'text', SRC_PLAN);
    followerRows('campaign', '', '', 'campaign', ind.campaignTotals.followers);
    add('campaign', '', '', 'campaign', 'new customers', ind.campaignTotals.conversions.count, 'customers', SRC_CONVERSIONS);
    add('campaign', '', '', 'campaign', 'tracked link clicks', ind.campaignTotals.clicks, 'clicks', SRC_CLICKS);

    const partnerById = new Map(ind.partners.map((p) => [p.partnerId, p]));
    for (const t of tracks) {
      add('track', t.name, '', 'track', 'specific objective', t.objective, 'text', SRC_PLAN);
      for (const o of t.output_indicators) add('track', t.name, '', 'track', 'output indicator', o, 'text', SRC_PLAN);
      for (const r of t.result_indicators) add('track', t.name, '', 'track', 'result indicator', r, 'text', SRC_PLAN);
      const f = ind.tracks.find((x) => x.trackId === t.id)?.followers;
      if (f) followerRows('track', t.name, '', 'track partners', f);
      const members = t.partner_ids.map((id) => partnerById.get(id)).filter((p) => p !== undefined);
      add('track', t.name, '', 'track partners', 'new customers', members.reduce((a, p) => a + p.conversions.count, 0), 'customers', SRC_CONVERSIONS);
      add('track', t.name, '', 'track partners', 'tracked link clicks', members.reduce((a, p) => a + p.clicks, 0), 'clicks', SRC_CLICKS);
    }

    for (const p of ind.partners) {
      followerRows('partner', '', p.slug, 'all channels', p.followers);
      for (const c of ind.channels.filter((x) => x.partnerId === p.partnerId)) {
        const scope = `${c.network} ${c.handle}`;
        if (c.dataStatus !== 'ok') {
          add('partner', '', p.slug, scope, 'new followers', null, 'followers', SRC_FOLLOWERS,
            c.dataStatus === 'not_available'
              ? { en: 'not available: the network does not give a follower count for this account', fr: 'non disponible : le réseau ne donne pas le nombre d’abonnés de ce compte' }
              : { en: 'no reading yet', fr: 'pas encore de relevé' });
          continue;
        }
        add('partner', '', p.slug, scope, 'new followers', c.newFollowers, 'followers', SRC_FOLLOWERS, {
          en: `start ${c.startFollowers} at ${c.startMeasuredAt} (${c.startBasis}); end ${c.endFollowers} at ${c.endMeasuredAt} (${c.endBasis})`,
          fr: `début : ${c.startFollowers} le ${parisTime(c.startMeasuredAt, ind.window.timeZone)} ; fin : ${c.endFollowers} le ${parisTime(c.endMeasuredAt, ind.window.timeZone)}`,
        });
        add('partner', '', p.slug, scope, 'lift over baseline trend', c.lift, 'followers', SRC_TREND,
          c.expectedGrowth === null
            ? { en: 'no baseline trend (fewer than 2 daily points)', fr: 'pas de tendance de référence (moins de 2 relevés quotidiens)' }
            : {
                en: `expected ${c.expectedGrowth} from ${c.baseline.points} daily points; ${liftNote(c.liftInterval)}`,
                fr: `attendu : ${Math.round(c.expectedGrowth)} d’après ${c.baseline.points} relevés quotidiens ; ${liftNoteFr(c.liftInterval)}`,
              });
      }
      add('partner', '', p.slug, 'partner', 'new customers', p.conversions.count, 'customers', SRC_CONVERSIONS, {
        en: Object.entries(p.conversions.bySource).map(([k, v]) => `${k}: ${v}`).join('; '),
        fr: Object.entries(p.conversions.bySource).map(([k, v]) => `${CUSTOMER_SOURCE_FR[k] ?? k} : ${v}`).join(' ; '),
      });
      add('partner', '', p.slug, 'partner', 'tracked link clicks', p.clicks, 'clicks', SRC_CLICKS);
      const r = recip.partners.find((x) => x.partnerId === p.partnerId);
      if (r) {
        add('partner', '', p.slug, 'partner', 'partners that carried its posts', r.carriedByPartners, 'partners', SRC_DELIVERIES, {
          en: `${r.deliveriesFeaturingIt} deliveries featuring it`,
          fr: `${r.deliveriesFeaturingIt} publications le mettant en avant`,
        });
        add('partner', '', p.slug, 'partner', 'partners it carried', r.partnersCarried, 'partners', SRC_DELIVERIES, { en: `${r.deliveriesCarried} deliveries`, fr: `${r.deliveriesCarried} publications` });
      }
    }
    // The file's dates are its rows' dates: the window's first day, and the last day the figures cover.
    const lastDay = localDay(new Date(new Date(to).getTime() - 1), ind.window.timeZone);
    if (form === 'fr') {
      const names = new Map(ind.partners.map((p) => [p.slug, p.name]));
      return {
        filename: `${ind.campaign.slug}-indicateurs-${ind.window.firstDay}-au-${lastDay}.csv`,
        body: frenchReport(rows, { from, to, timeZone: ind.window.timeZone, partnerName: (slug) => names.get(slug) ?? slug }),
      };
    }
    const table: Cell[][] = [HEADER, ...rows.map((r) => [r.section, r.track, r.partner, r.scope, r.indicator, r.value, r.unit, from, to, r.source, r.note])];
    return { filename: `${ind.campaign.slug}-indicators-${ind.window.firstDay}-${lastDay}.csv`, body: toCsv(table) };
  }
}

function liftNoteFr(i: LiftInterval | null): string {
  if (!i) return 'pas d’intervalle à 95 % (moins de 3 relevés quotidiens de référence)';
  if (i.verdict === 'within_trend') return `pas distinguable de la tendance (à ±${Math.round(i.halfWidth)} près, 95 %)`;
  return `${i.verdict === 'above_trend' ? 'au-dessus' : 'au-dessous'} de l’intervalle à 95 % de la tendance (±${Math.round(i.halfWidth)})`;
}

/** "within the trend's noise" or which side of it, for the note beside a lift. */
function liftNote(i: LiftInterval | null): string {
  if (!i) return 'no 95% interval (fewer than 3 daily baseline points)';
  if (i.verdict === 'within_trend') return `not distinguishable from the trend (within ±${i.halfWidth}, 95%)`;
  return `${i.verdict === 'above_trend' ? 'above' : 'below'} the trend's 95% interval (±${i.halfWidth})`;
}
