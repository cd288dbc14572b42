/**
 * Rich-text facets for app.bsky.feed.post. The server does not detect links or mentions: the
 * client sends their ranges, as UTF-8 byte offsets into the text (not UTF-16 indices), so an
 * emoji before a link moves the link by 4 bytes, not 2.
 */

export interface LinkFeature {
  $type: 'app.bsky.richtext.facet#link';
  uri: string;
}

export interface MentionFeature {
  $type: 'app.bsky.richtext.facet#mention';
  did: string;
}

export interface TagFeature {
  $type: 'app.bsky.richtext.facet#tag';
  /** Without the "#". */
  tag: string;
}

export interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: Array<LinkFeature | MentionFeature | TagFeature>;
}

export interface TextMatch {
  /** UTF-16 index into the string. */
  start: number;
  end: number;
  value: string;
}

const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;
// A handle is a domain name: labels of letters, digits and hyphens, at least one dot.
const MENTION_PATTERN = /(^|[\s(])@([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+)/g;

export function findLinks(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    let value = m[0];
    // Sentence punctuation after a link is not part of it; a closing parenthesis only when unbalanced.
    while (/[.,;:!?'"]$/.test(value) || (value.endsWith(')') && count(value, '(') < count(value, ')'))) value = value.slice(0, -1);
    out.push({ start: m.index, end: m.index + value.length, value });
  }
  return out;
}

/** Mentions as handles (without the "@"); the range covers the "@". */
export function findMentions(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  for (const m of text.matchAll(MENTION_PATTERN)) {
    const start = m.index + m[1].length;
    const handle = m[2];
    // A trailing TLD must not be numeric-only ("@1.2" is not a handle).
    if (/\.\d+$/.test(handle)) continue;
    out.push({ start, end: start + 1 + handle.length, value: handle.toLowerCase() });
  }
  return out;
}

// A hashtag starts after a space or the text's start; "#" or the full-width "＃".
const TAG_PATTERN = /(^|\s)[#＃]([^\s#＃]+)/gu;
const TRAILING_PUNCTUATION = /\p{P}+$/u;
const TAG_GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Hashtags, as Bluesky's own clients detect them: trailing punctuation is not part of the tag, a
 * tag of digits only is not one ("#1"), and the lexicon caps a tag at 64 graphemes (640 bytes).
 * The range covers the "#"; the value is the tag without it.
 */
export function findTags(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  for (const m of text.matchAll(TAG_PATTERN)) {
    const tag = m[2].replace(TRAILING_PUNCTUATION, '');
    if (!tag || /^\d+$/.test(tag)) continue;
    if ([...TAG_GRAPHEMES.segment(tag)].length > 64 || Buffer.byteLength(tag) > 640) continue;
    const start = m.index + m[1].length;
    out.push({ start, end: start + 1 + tag.length, value: tag });
  }
  return out;
}

export function byteOffset(text: string, utf16Index: number): number {
  return Buffer.byteLength(text.slice(0, utf16Index), 'utf8');
}

/**
 * Builds the facets: every link, every hashtag, and every mention whose handle `resolve` turns into a DID
 * (unresolvable mentions stay plain text rather than failing the post).
 */
export async function buildFacets(text: string, resolve: (handle: string) => Promise<string | null>): Promise<Facet[]> {
  const facets: Facet[] = [];
  const range = (m: TextMatch): Facet['index'] => ({ byteStart: byteOffset(text, m.start), byteEnd: byteOffset(text, m.end) });
  for (const link of findLinks(text)) {
    facets.push({ index: range(link), features: [{ $type: 'app.bsky.richtext.facet#link', uri: link.value }] });
  }
  for (const tag of findTags(text)) {
    // A hashtag inside a link ("…/page#section") is part of the link, not a tag.
    if (facets.some((f) => f.index.byteStart <= byteOffset(text, tag.start) && byteOffset(text, tag.start) < f.index.byteEnd)) continue;
    facets.push({ index: range(tag), features: [{ $type: 'app.bsky.richtext.facet#tag', tag: tag.value }] });
  }
  for (const mention of findMentions(text)) {
    const did = await resolve(mention.value);
    if (did) facets.push({ index: range(mention), features: [{ $type: 'app.bsky.richtext.facet#mention', did }] });
  }
  return facets.sort((a, b) => a.index.byteStart - b.index.byteStart);
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}
