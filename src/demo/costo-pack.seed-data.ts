import type { PartnerKind } from '../campaigns/partners/partner.entity';

/** The CoSto Pack campaign of DESIGN.md, as demo data, in French as its users speak. Each account becomes a real channel on the demo's network emulators (demo-accounts.ts). */
export interface SeedPartner {
  slug: string;
  name: string;
  kind: PartnerKind;
  website?: string;
  /** Simulated accounts: the network they stand for is only shown in the display name. */
  accounts: Array<{ handle: string; standsFor: 'Facebook' | 'X' | 'Instagram' | 'LinkedIn' | 'Mastodon' | 'Bluesky' }>;
}

export const COSTO_PARTNERS: SeedPartner[] = [
  { slug: 'costo', name: 'SEMAEST / CoSto', kind: 'operator', website: 'https://www.semaest.fr', accounts: [{ handle: '@costo_paris', standsFor: 'Facebook' }, { handle: '@costo_paris', standsFor: 'X' }, { handle: '@costo.paris', standsFor: 'Instagram' }] },
  { slug: 'petitscommerces', name: 'petitscommerces.fr', kind: 'startup', accounts: [{ handle: '@petitscommerces', standsFor: 'Instagram' }, { handle: '@petitscommerces', standsFor: 'X' }] },
  { slug: 'tudigo', name: 'Tudigo', kind: 'startup', accounts: [{ handle: '@tudigo_fr', standsFor: 'LinkedIn' }, { handle: '@tudigo', standsFor: 'X' }] },
  { slug: 'pie', name: 'P.I.E', kind: 'startup', accounts: [{ handle: '@pie_invest', standsFor: 'LinkedIn' }] },
  { slug: 'le-carillon', name: 'Le Carillon', kind: 'association', accounts: [{ handle: '@lecarillon', standsFor: 'Facebook' }, { handle: '@lecarillon', standsFor: 'Instagram' }] },
  { slug: 'cmarue', name: 'CMaRue', kind: 'association', accounts: [{ handle: '@cmarue', standsFor: 'Instagram' }] },
  { slug: 'simplon', name: 'Simplon.co', kind: 'association', accounts: [{ handle: '@simplonco', standsFor: 'LinkedIn' }, { handle: '@simplon@mastodon.social', standsFor: 'Mastodon' }] },
  { slug: 'ciwy', name: 'CIWY', kind: 'tourism', accounts: [{ handle: '@ciwy.paris', standsFor: 'Instagram' }] },
  { slug: 'bastina', name: 'Bastina', kind: 'tourism', accounts: [{ handle: '@bastina', standsFor: 'Instagram' }, { handle: '@bastina.bsky.social', standsFor: 'Bluesky' }] },
  { slug: 'parisolidarithe', name: 'ParisolidariThé', kind: 'tourism', accounts: [{ handle: '@parisolidarithe', standsFor: 'Facebook' }] },
];

export const COSTO_CAMPAIGN = {
  slug: 'costo-pack',
  name: 'CoSto Pack — campagne commune',
  objective:
    'Comment promouvoir ensemble les nouveaux territoires socio-économiques du nord-est parisien et donner une visibilité réciproque aux actions de chaque partenaire sur les réseaux sociaux ?',
  timeZone: 'Europe/Paris',
};

export const COSTO_TRACKS = [
  {
    name: 'Services aux commerçants',
    objective: 'Faire connaître les partenaires du CoSto Pack aux commerçants',
    outputIndicators: ['Identifiés par davantage de commerçants'],
    resultIndicators: ['Nouveaux abonnés pour chaque partenaire', 'Nouveaux clients CoSto pour les partenaires CoSto'],
    leaders: ['petitscommerces'],
    members: ['tudigo', 'pie', 'le-carillon', 'cmarue'],
    actions: [
      { title: 'Vidéos courtes : chaque partenaire dans une boutique partenaire, diffusées le même jour partout', inDays: 1 },
      { title: 'Speed dating entre commerçants et partenaires', inDays: 12 },
    ],
  },
  {
    name: 'Tourisme',
    objective: 'Valoriser des quartiers méconnus ou mal aimés du 18e ; faire connaître les guides de tourisme alternatif et les commerces de proximité',
    outputIndicators: ['Rassurer les visiteurs', 'Dynamiser les commerces'],
    resultIndicators: ['Nouveaux abonnés ou nouveaux clients pour chaque partenaire', 'Nouveaux clients CoSto pour les partenaires CoSto'],
    leaders: ['costo', 'simplon'],
    members: ['ciwy', 'bastina', 'parisolidarithe'],
    actions: [
      { title: 'Vidéo autour du 18e présentant les partenaires du tourisme', inDays: 5 },
      { title: 'Balade officielle : Marché Vernaison, Marché Serpette, Le Hasard Ludique, La Petite Ceinture, Halle Pajol…', inDays: 20 },
    ],
  },
];

/** Demo sign-in: every demo user has this password (demo data only, never a real deployment). */
export const DEMO_PASSWORD = 'costo-demo-2026';
export const demoEmail = (who: string) => `${who}@demo.chorus.local`;
