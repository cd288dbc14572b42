import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readActionPlan } from './action-plan.sql';
import { IndicatorsService, RollupIndicator } from '../indicators/indicators.service';
import { OutputFigures, OutputsService } from '../outputs/outputs.service';

/** One figure of the report: its value (null: "non disponible"), unit, window and source, in French. */
export interface ReportFigure {
  label: string;
  value: number | null;
  unit: string;
  /** How the value reads in the report (French number format, or "non disponible"). */
  text: string;
  window: string;
  source: string;
  note: string;
}

export interface ReportSection {
  title: string;
  objective: string;
  /** The plan's own wording of the indicators, then the figures Chorus measured for them. */
  plannedOutputIndicators: string[];
  plannedResultIndicators: string[];
  outputFigures: ReportFigure[];
  resultFigures: ReportFigure[];
}

export interface FunderReport {
  campaign: { id: string; slug: string; name: string; objective: string };
  window: { from: string; to: string; label: string; baseline: string };
  generatedAt: string;
  overall: ReportSection;
  tracks: ReportSection[];
  notes: string[];
}

export const NOT_AVAILABLE = 'non disponible';
const SRC_OUTPUTS = 'chiffres des réseaux par publication (dernier relevé, jusqu’à 28 jours après publication)';
const SRC_POSTS = 'publications enregistrées par Chorus';
const SRC_CLICKS = 'clics sur les liens suivis de Chorus (compteurs, sans donnée personnelle)';
const SRC_FOLLOWERS = 'relevés d’abonnés lus auprès des réseaux (relevé pris pour chaque bord de la période)';
const SRC_TREND = 'tendance de référence : droite des moindres carrés sur les points quotidiens de la période de référence';
const SRC_CUSTOMERS = 'nouveaux clients enregistrés par les partenaires dans Chorus';

const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 2 });
const date = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

/**
 * The funder's report as the action plan is laid out: guiding objective; per track its specific
 * objective, output indicators (how far the posts went) and result indicators (new followers
 * against the baseline trend, new customers). Built once, rendered as PDF and spreadsheet.
 */
@Injectable()
export class FunderReportService {
  constructor(
    private readonly db: DataSource,
    private readonly indicators: IndicatorsService,
    private readonly outputs: OutputsService,
  ) {}

  async build(campaignId: string, query: { from?: string; to?: string }): Promise<FunderReport> {
    const ind = await this.indicators.forCampaign(campaignId, query);
    // Output figures over the same window as the follower figures.
    const window = { from: ind.window.from, to: ind.window.to };
    const [byTrack, { objective, tracks }] = await Promise.all([
      this.outputs.forCampaign(campaignId, { ...window, by: 'track' }),
      readActionPlan(this.db, campaignId),
    ]);
    const windowLabel = `du ${date.format(new Date(ind.window.from))} au ${date.format(new Date(ind.window.effectiveTo))}`;
    const partnersById = new Map(ind.partners.map((p) => [p.partnerId, p]));
    const customers = (ids: string[]) => ids.reduce((a, id) => a + (partnersById.get(id)?.conversions.count ?? 0), 0);

    const overall: ReportSection = {
      title: 'Ensemble de la campagne',
      objective: objective ?? '',
      plannedOutputIndicators: [],
      plannedResultIndicators: [],
      outputFigures: outputFigures(byTrack.totals, windowLabel),
      resultFigures: [
        ...followerFigures(ind.campaignTotals.followers, windowLabel),
        fig('Nouveaux clients', ind.campaignTotals.conversions.count, 'clients', windowLabel, SRC_CUSTOMERS),
      ],
    };
    return {
      campaign: { id: ind.campaign.id, slug: ind.campaign.slug, name: ind.campaign.name, objective: objective ?? '' },
      window: {
        from: ind.window.from,
        to: ind.window.effectiveTo,
        label: windowLabel,
        baseline: `du ${date.format(new Date(ind.window.baseline.from))} au ${date.format(new Date(ind.window.baseline.to))}`,
      },
      generatedAt: new Date().toISOString(),
      overall,
      tracks: tracks.map((t) => {
        const out = byTrack.groups.find((g) => g.key === t.id);
        const followers = ind.tracks.find((x) => x.trackId === t.id)?.followers;
        return {
          title: t.name,
          objective: t.objective,
          plannedOutputIndicators: t.output_indicators,
          plannedResultIndicators: t.result_indicators,
          outputFigures: outputFigures(out ?? null, windowLabel),
          resultFigures: [
            ...(followers ? followerFigures(followers, windowLabel, 'partenaires de l’axe') : []),
            fig('Nouveaux clients (partenaires de l’axe)', customers(t.partner_ids), 'clients', windowLabel, SRC_CUSTOMERS),
          ],
        };
      }),
      notes: [
        `« ${NOT_AVAILABLE} » : le réseau ne donne pas ce chiffre pour ces comptes ou publications ; il n’est jamais compté comme 0.`,
        'Réalisation : publications de l’axe (posts rattachés à l’axe) publiées dans la période ; résultats : abonnés et clients des partenaires membres de l’axe.',
        'Écart à la tendance : nouveaux abonnés moins la croissance attendue selon la tendance de référence ; « pas distinguable de la tendance » quand il reste dans la marge à 95 % tirée des écarts de la période de référence.',
      ],
    };
  }
}

function fig(label: string, value: number | null, unit: string, window: string, source: string, note = ''): ReportFigure {
  return { label, value, unit, text: value === null ? NOT_AVAILABLE : number.format(value), window, source, note };
}

function coverage(deliveries: number, of: number): string {
  return `donné pour ${deliveries} diffusion(s) sur ${of}`;
}

function outputFigures(o: OutputFigures | null, window: string): ReportFigure[] {
  if (!o) return [fig('Publications', 0, 'publications', window, SRC_POSTS, 'aucune publication de l’axe dans la période')];
  const rate = fig('Taux d’interaction', o.engagementRate, 'part (0 à 1)', window, SRC_OUTPUTS, 'interactions / vues, sur les diffusions qui donnent les deux');
  if (o.engagementRate !== null) rate.text = percent.format(o.engagementRate);
  return [
    fig('Publications', o.posts, 'publications', window, SRC_POSTS, `${o.deliveries} diffusion(s) sur les comptes des partenaires`),
    fig('Vues', o.views.value, 'vues', window, SRC_OUTPUTS, coverage(o.views.deliveries, o.deliveries)),
    fig('Portée (personnes atteintes)', o.reach.value, 'personnes', window, SRC_OUTPUTS, coverage(o.reach.deliveries, o.deliveries)),
    fig('Interactions', o.engagements.value, 'interactions', window, SRC_OUTPUTS, `j’aime, partages, réponses, citations ; ${coverage(o.engagements.deliveries, o.deliveries)}`),
    rate,
    fig('Clics sur les liens suivis', o.trackedClicks, 'clics', window, SRC_CLICKS),
  ];
}

function followerFigures(f: RollupIndicator, window: string, scope = 'tous les comptes'): ReportFigure[] {
  const verdict = !f.liftInterval
    ? 'marge d’erreur non disponible (moins de 3 points quotidiens de référence)'
    : f.liftInterval.verdict === 'within_trend'
      ? `pas distinguable de la tendance (marge à 95 % : ± ${number.format(f.liftInterval.halfWidth)})`
      : `${f.liftInterval.verdict === 'above_trend' ? 'au-dessus' : 'en dessous'} de la tendance (marge à 95 % : ± ${number.format(f.liftInterval.halfWidth)})`;
  return [
    fig(`Nouveaux abonnés (${scope})`, f.newFollowers, 'abonnés', window, SRC_FOLLOWERS,
      `${f.channelsWithData} compte(s) sur ${f.channels} mesuré(s) ; ${f.channelsNotAvailable} non disponible(s)`),
    fig('Croissance attendue selon la tendance', f.expectedGrowth, 'abonnés', window, SRC_TREND, `${f.channelsWithBaseline} compte(s) avec une tendance`),
    fig('Écart à la tendance', f.lift, 'abonnés', window, SRC_TREND, verdict),
  ];
}
