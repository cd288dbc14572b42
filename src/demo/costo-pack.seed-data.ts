import type { PartnerKind } from '../campaigns/partners/partner.entity';

/** The CoSto Pack campaign of DESIGN.md, as demo data. Every channel is a `sandbox` channel. */
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
    "How to promote all together new socio-economic areas in north-eastern Paris and give reciprocal visibility to each partner's actions through social media?",
  timeZone: 'Europe/Paris',
};

export const COSTO_TRACKS = [
  {
    name: 'Retail services',
    objective: 'Make shopkeepers aware of the CoSto Pack partners',
    outputIndicators: ['Identified by more shopkeepers'],
    resultIndicators: ['New followers for each partner', 'New CoSto customers for CoSto partners'],
    leaders: ['petitscommerces'],
    members: ['tudigo', 'pie', 'le-carillon', 'cmarue'],
    actions: [
      { title: 'Short videos: each partner in a partner shop, released the same day everywhere', inDays: 1 },
      { title: 'Speed dating between shopkeepers and partners', inDays: 12 },
    ],
  },
  {
    name: 'Tourism',
    objective: 'Promote unknown or disliked areas of the 18th district; advertise alternative tourism guides and local shops',
    outputIndicators: ['Reassure visitors', 'Invigorate businesses'],
    resultIndicators: ['New followers or new customers for each partner', 'New CoSto customers for CoSto partners'],
    leaders: ['costo', 'simplon'],
    members: ['ciwy', 'bastina', 'parisolidarithe'],
    actions: [
      { title: 'Video around the 18th introducing the tourism partners', inDays: 5 },
      { title: 'Official walking tour: Marché Vernaison, Marché Serpette, Le Hasard Ludique, La Petite Ceinture, Halle Pajol…', inDays: 20 },
    ],
  },
];

/** Demo sign-in: every demo user has this password (demo data only, never a real deployment). */
export const DEMO_PASSWORD = 'costo-demo-2026';
export const demoEmail = (who: string) => `${who}@demo.chorus.local`;
