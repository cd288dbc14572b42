import { extractHashtags, extractUrlsWithIndices, parseTweet } from 'twitter-text';
import type { Network } from '../../../channels/network';
import { NETWORK_RULES, type LengthCounting, type LengthUnit } from './network-rules';

/** What a URL counts for on networks that shorten links (X's t.co, Mastodon's fixed 23). */
export const SHORTENED_URL_LENGTH = 23;

export interface TextLength {
  used: number;
  unit: LengthUnit;
}

/** Unicode code points: '😀' is 1 (two UTF-16 units), '👨‍👩‍👧' is 5. */
export function countCodePoints(text: string): number {
  let count = 0;
  // Iterating a string walks it by code point.
  for (const _ of text) count++;
  return count;
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters: a ZWJ family emoji or a flag counts 1. */
export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of graphemeSegmenter.segment(text)) count++;
  return count;
}

// TextEncoder, not Buffer: this module also runs in the browser (the web composer).
const UTF8 = new TextEncoder();

export function countUtf8Bytes(text: string): number {
  return UTF8.encode(text).length;
}

/** X's weighted length, as X computes it (twitter-text's default configuration). */
export function xWeightedLength(text: string): number {
  return parseTweet(text).weightedLength;
}

// `@user@example.social` counts as `@user`: what is before the mention must not be a word
// character or a slash (so a URL path like /@user@host is left alone), and the domain ends
// with a letter or digit (so a trailing full stop is not swallowed).
const REMOTE_MENTION = /(^|[^\w/])@([a-z0-9_]+)@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?/gi;

/**
 * The text as Mastodon counts it: every http(s) URL becomes 23 characters and every
 * `@user@domain` mention keeps only `@user`.
 */
export function mastodonCountableText(text: string): string {
  // Only URLs with a scheme are shortened by Mastodon; twitter-text finds them the same way
  // Mastodon does (Mastodon's URL pattern comes from twitter-text). Indices are UTF-16 offsets.
  const urls = extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false });
  let rewritten = '';
  let from = 0;
  for (const { indices } of urls) {
    rewritten += text.slice(from, indices[0]) + 'x'.repeat(SHORTENED_URL_LENGTH);
    from = indices[1];
  }
  rewritten += text.slice(from);
  return rewritten.replace(REMOTE_MENTION, '$1@$2');
}

/**
 * Mastodon's length, in code points. Recent Mastodon servers count graphemes, which are never
 * more than code points, so this errs on the safe side for emoji sequences.
 */
export function mastodonLength(text: string): number {
  return countCodePoints(mastodonCountableText(text));
}

export function countWith(counting: LengthCounting, text: string): number {
  switch (counting) {
    case 'x_weighted':
      return xWeightedLength(text);
    case 'mastodon':
      return mastodonLength(text);
    case 'code_points':
      return countCodePoints(text);
    case 'graphemes':
      return countGraphemes(text);
  }
}

/** The length of `text` as `network` counts it. */
export function textLength(text: string, network: Network): TextLength {
  const rules = NETWORK_RULES[network].text;
  return { used: countWith(rules.counting, text), unit: rules.unit };
}

/**
 * Hashtags in the text, every occurrence counted (a repeated tag counts each time, which is
 * the safe reading of Instagram's "30 hashtags" rule). Uses twitter-text's hashtag grammar:
 * `#2026` alone is not a hashtag, `#café` is.
 */
export function countHashtags(text: string): number {
  return extractHashtags(text).length;
}
