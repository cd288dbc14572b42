import { MediaFetcher } from '../../media/media-fetcher.types';

/**
 * The preview card of a post's link (app.bsky.embed.external). Bluesky does not fetch links
 * itself: the client reads the page's title, description and image and uploads the image as a
 * blob. The page and its image are fetched through the SSRF-safe media fetcher (the link is user
 * input). A page that cannot be read still gets a card, titled with its host: the post must not
 * fail over a preview.
 */
export interface LinkPreview {
  title: string;
  description: string;
  /** Absolute URL of the page's image, if it names one. */
  imageUrl: string | null;
}

/** Lexicon limits of app.bsky.embed.external#external (title and description have none; we keep them short). */
const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1000;
export const MAX_THUMB_BYTES = 1_000_000;

export async function readLinkPreview(link: string, fetcher: MediaFetcher): Promise<LinkPreview> {
  const fallback: LinkPreview = { title: hostOf(link), description: '', imageUrl: null };
  let page: { bytes: Buffer; contentType: string };
  try {
    page = await fetcher.fetch(link);
  } catch {
    return fallback;
  }
  if (!/html/i.test(page.contentType)) return fallback;
  const html = page.bytes.subarray(0, 512 * 1024).toString('utf8');
  const meta = (name: string): string | null => {
    for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
      const key = attr(tag, 'property') ?? attr(tag, 'name');
      if (key?.toLowerCase() === name) return attr(tag, 'content');
    }
    return null;
  };
  const titleTag = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1] ?? null;
  const title = clean(meta('og:title') ?? meta('twitter:title') ?? titleTag ?? '') || fallback.title;
  const description = clean(meta('og:description') ?? meta('description') ?? meta('twitter:description') ?? '');
  const image = meta('og:image') ?? meta('twitter:image');
  let imageUrl: string | null = null;
  if (image) {
    try {
      imageUrl = new URL(decodeEntities(image), link).toString();
    } catch {
      imageUrl = null;
    }
  }
  return { title: title.slice(0, MAX_TITLE), description: description.slice(0, MAX_DESCRIPTION), imageUrl };
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? (m[2] ?? m[3]) : null;
}

function clean(text: string): string {
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function hostOf(link: string): string {
  try {
    return new URL(link).host;
  } catch {
    return link;
  }
}
