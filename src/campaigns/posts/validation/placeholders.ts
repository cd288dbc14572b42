import type { Network } from '../../../channels/network';

/** What the composer knows about a partner to resolve `{{partner:slug}}` placeholders. */
export interface PartnerMention {
  slug: string;
  /** Display name, used where the partner has no account on the target network. */
  name: string;
  /** The mention as it must appear in text, per network: '@petitscommerces' on X, '@costo@mastodon.social'. */
  handles: Partial<Record<Network, string>>;
}

export interface ResolvedPlaceholders {
  text: string;
  /** Slugs with no partner, in order of first appearance, each once; left as typed in `text`. */
  unknownSlugs: string[];
}

// `{{partner:slug}}`, tolerant of spaces inside the braces. The slug may be empty so that
// `{{partner:}}` is reported instead of published as is.
const PLACEHOLDER = /\{\{\s*partner\s*:\s*([^{}\s]*)\s*\}\}/g;

/** The slugs named by placeholders in `text`, each once, in order of first appearance. */
export function placeholderSlugs(text: string): string[] {
  const slugs = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) slugs.add(match[1] ?? '');
  return [...slugs];
}

/**
 * Replaces every `{{partner:slug}}` by the partner's handle on `network`, or by its display
 * name when it has no account there. Slugs match exactly (they are lower-case identifiers).
 */
export function resolvePlaceholders(
  text: string,
  network: Network,
  partners: readonly PartnerMention[],
): ResolvedPlaceholders {
  const bySlug = new Map(partners.map((partner) => [partner.slug, partner]));
  const unknown = new Set<string>();
  const resolved = text.replace(PLACEHOLDER, (placeholder: string, slug: string) => {
    const partner = bySlug.get(slug);
    if (!partner) {
      unknown.add(slug);
      return placeholder;
    }
    const handle = partner.handles[network]?.trim();
    return handle ? handle : partner.name;
  });
  return { text: resolved, unknownSlugs: [...unknown] };
}

/**
 * The text as people read it in Chorus (post page, calendar feed): each `{{partner:slug}}` by the
 * partner's name; an unknown slug keeps its placeholder so the mistake stays visible.
 */
export function placeholdersToNames(text: string, partners: ReadonlyArray<{ slug: string; name: string }>): string {
  const names = new Map(partners.map((p) => [p.slug, p.name]));
  return text.replace(PLACEHOLDER, (placeholder: string, slug: string) => names.get(slug) ?? placeholder);
}
