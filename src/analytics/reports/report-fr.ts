import { Cell, toCsv } from './csv';

/** One figure of the funder report, before it is written in either form. */
export interface ReportRow {
  section: string;
  track: string;
  /** The partner's slug (the machine form's key); the French form writes its name. */
  partner: string;
  scope: string;
  indicator: string;
  value: Cell;
  unit: string;
  source: string;
  note: string;
  noteFr?: string;
}

const HEADER_FR = ['Partie', 'Axe', 'Partenaire', 'Périmètre', 'Indicateur', 'Valeur', 'Unité', 'Du', 'Au', 'Source des données', 'Note'];
const SECTION_FR: Record<string, string> = { campaign: 'Campagne', track: 'Axe', partner: 'Partenaire' };
const SCOPE_FR: Record<string, string> = {
  campaign: 'campagne',
  track: 'axe',
  'track partners': 'partenaires de l’axe',
  'all channels': 'tous ses comptes',
  partner: 'partenaire',
};
const INDICATOR_FR: Record<string, string> = {
  'guiding objective': 'objectif général',
  'baseline window': 'période de référence',
  'new followers': 'nouveaux abonnés',
  'followers at start': 'abonnés au début',
  'followers at end': 'abonnés à la fin',
  'follower growth': 'croissance des abonnés',
  'expected growth from baseline trend': 'croissance attendue selon la tendance de référence',
  'lift over baseline trend': 'écart à la tendance de référence',
  'lift 95% interval half-width': 'marge de l’écart (intervalle à 95 %)',
  'new customers': 'nouveaux clients',
  'tracked link clicks': 'clics sur les liens de la campagne',
  'specific objective': 'objectif spécifique',
  'output indicator': 'indicateur de réalisation',
  'result indicator': 'indicateur de résultat',
  'partners that carried its posts': 'partenaires qui ont relayé ses posts',
  'partners it carried': 'partenaires qu’il a relayés',
};
const UNIT_FR: Record<string, string> = { followers: 'abonnés', '%': '%', customers: 'clients', clicks: 'clics', partners: 'partenaires', text: 'texte' };
const SOURCE_FR: Record<string, string> = {
  'follower snapshots read from the networks’ APIs (last reading at or before each end of the window)': 'relevés d’abonnés lus auprès des réseaux (dernier relevé à chaque bout de la période)',
  'least-squares trend of daily follower points over the baseline window': 'tendance (moindres carrés) des relevés quotidiens de la période de référence',
  'new customers recorded by partners in Chorus': 'nouveaux clients notés par les partenaires dans Chorus',
  'clicks on Chorus tracked links (counters, no personal data)': 'clics sur les liens de la campagne (compteurs, sans donnée personnelle)',
  'published deliveries recorded by Chorus': 'publications enregistrées par Chorus',
  'campaign plan': 'plan de la campagne',
};
export const CUSTOMER_SOURCE_FR: Record<string, string> = { costo_cheque: 'chèque CoSto', campaign_code: 'code de campagne', link: 'lien de la campagne', other: 'autre' };

/** '07/12/2026 09:30' in the campaign's zone. */
export function parisTime(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('fr-FR', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(iso))
    .replace(',', '');
}

/** Rounded as people read them: whole followers, customers and clicks; percentages to one decimal. */
function frenchNumber(value: number, unit: string): string {
  const rounded = unit === '%' ? Math.round(value * 10) / 10 : Math.round(value);
  return String(Object.is(rounded, -0) ? 0 : rounded).replace('.', ',');
}

/**
 * The report for French spreadsheets: semicolons, decimal commas, rounded figures, French
 * words, partner names and Paris times. Same rows as the machine form, in the same order.
 */
export function frenchReport(rows: ReportRow[], window: { from: string; to: string; timeZone: string; partnerName: (slug: string) => string }): string {
  const from = parisTime(window.from, window.timeZone);
  const to = parisTime(window.to, window.timeZone);
  const table: Cell[][] = [HEADER_FR];
  for (const r of rows) {
    let value: Cell = r.value;
    if (typeof value === 'number') value = frenchNumber(value, r.unit);
    else if (r.indicator === 'baseline window' && typeof value === 'string') {
      const [start, end] = value.split(' .. ');
      value = `du ${parisTime(start ?? '', window.timeZone)} au ${parisTime(end ?? '', window.timeZone)}`;
    }
    table.push([
      SECTION_FR[r.section] ?? r.section,
      r.track,
      r.partner ? window.partnerName(r.partner) : '',
      SCOPE_FR[r.scope] ?? r.scope,
      INDICATOR_FR[r.indicator] ?? r.indicator,
      value,
      UNIT_FR[r.unit] ?? r.unit,
      from,
      to,
      SOURCE_FR[r.source] ?? r.source,
      r.noteFr ?? '',
    ]);
  }
  return toCsv(table, ';');
}
