import type { Network } from '../../../channels/network';
import {
  MEDIA_TYPES,
  NETWORK_RULES,
  maxTextLengthFor,
  type LengthUnit,
  type MediaType,
  type NetworkRules,
} from './network-rules';
import { resolvePlaceholders, type PartnerMention } from './placeholders';
import { extensionOf, PUBLISH_CAPABILITIES } from './publish-capabilities';
import { countCodePoints, countGraphemes, countHashtags, countUtf8Bytes, textLength } from './text-length';

/** Stable problem codes: clients switch on these, so never rename one. */
export const PROBLEM_CODES = [
  'no_targets',
  'empty_text',
  'text_too_long',
  'too_many_hashtags',
  'media_required',
  'too_many_media',
  'mixed_media',
  'alt_text_too_long',
  'invalid_media_url',
  'invalid_media_type',
  'unsupported_media_format',
  'media_aspect_ratio',
  'invalid_link',
  'unknown_partner_placeholder',
  'media_not_supported',
  'media_format_not_supported',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface Problem {
  code: ProblemCode;
  /** Absent for problems of the post itself (its link, its media addresses). */
  channelId?: string;
  network?: Network;
  /** Plain English for a community manager: what is wrong, for whom, and what to do. */
  message: string;
  details?: Record<string, unknown>;
}

export interface PostMedia {
  url: string;
  altText?: string | null;
  type: MediaType;
}

export interface PostTarget {
  channelId: string;
  network: Network;
  /** The partner owning the channel. */
  partnerSlug: string;
  /** The channel's handle, to name it in messages ('@petitscommerces'). */
  handle: string;
  /** The channel's own text limit where its network allows one (a Mastodon instance's `max_characters`). */
  maxCharacters?: number | null;
}

export interface PostDraft {
  baseText: string;
  /** Per-network text replacing `baseText`; a blank variant counts as no variant. */
  variants?: Partial<Record<Network, string | null>>;
  /** Appended to each channel's text unless that text already contains it. */
  link?: string | null;
  media?: readonly PostMedia[];
  /** Every partner a `{{partner:slug}}` placeholder may name. */
  partners: readonly PartnerMention[];
  targets: readonly PostTarget[];
}

export interface TargetValidation {
  channelId: string;
  network: Network;
  /** The text exactly as it would be published on this channel. */
  text: string;
  length: { used: number; max: number; unit: LengthUnit };
  problems: Problem[];
}

export interface PostValidation {
  ok: boolean;
  /** The post's link as every channel publishes it (trimmed), or null when there is none or it is invalid. */
  link: string | null;
  targets: TargetValidation[];
  /** The post's own problems, then every target's, in target order. */
  problems: Problem[];
}

/** Put between the text and an appended link: the link gets a line of its own on every network. */
export const LINK_SEPARATOR = '\n';

/** An absolute http(s) URL with a host and no whitespace. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * The text for one network: its variant if there is one, else the base text; placeholders
 * resolved for that network; then `link` (when given) on a new line, unless already present.
 * The link is appended as given: callers check it with `isHttpUrl` first.
 */
export function composeChannelText(
  draft: Pick<PostDraft, 'baseText' | 'variants' | 'link' | 'partners'>,
  network: Network,
): { text: string; unknownSlugs: string[] } {
  const variant = draft.variants?.[network];
  const source = typeof variant === 'string' && variant.trim() !== '' ? variant : draft.baseText;
  const { text, unknownSlugs } = resolvePlaceholders(source, network, draft.partners);
  const link = draft.link?.trim();
  if (!link || text.includes(link)) return { text, unknownSlugs };
  const body = text.trimEnd();
  return { text: body === '' ? link : `${body}${LINK_SEPARATOR}${link}`, unknownSlugs };
}

/**
 * Checks a joint post against every target channel's network and reports every problem of
 * every channel at once, with the text each channel would receive.
 */
export function validatePost(draft: PostDraft): PostValidation {
  const media = draft.media ?? [];
  const postProblems = checkPost(draft, media);
  const link = draft.link?.trim();
  // An invalid link is reported once and not appended, so the counts stay about the text.
  const usableLink = link && isHttpUrl(link) ? link : null;

  const targets = draft.targets.map((target) => validateTarget({ ...draft, link: usableLink }, media, target));
  const problems = [...postProblems, ...targets.flatMap((target) => target.problems)];
  return { ok: problems.length === 0, link: usableLink, targets, problems };
}

function checkPost(draft: PostDraft, media: readonly PostMedia[]): Problem[] {
  const problems: Problem[] = [];
  if (draft.targets.length === 0) {
    problems.push({ code: 'no_targets', message: 'Pick at least one channel to publish this post on.' });
  }
  const link = draft.link?.trim();
  if (link && !isHttpUrl(link)) {
    problems.push({
      code: 'invalid_link',
      message: `The link "${link}" is not a full web address: it must start with http:// or https://.`,
      details: { link },
    });
  }
  media.forEach((item, index) => {
    if (!MEDIA_TYPES.includes(item.type)) {
      problems.push({
        code: 'invalid_media_type',
        message: `Media ${index + 1} has the type "${String(item.type)}": use "image" or "video".`,
        details: { mediaIndex: index, type: item.type },
      });
    }
    if (typeof item.url !== 'string' || !isHttpUrl(item.url)) {
      problems.push({
        code: 'invalid_media_url',
        message: `The address of ${mediaName(item, index)} ("${String(item.url)}") is not a full web address: it must start with http:// or https://.`,
        details: { mediaIndex: index, url: item.url },
      });
    }
  });
  return problems;
}

function validateTarget(draft: PostDraft, media: readonly PostMedia[], target: PostTarget): TargetValidation {
  const { network } = target;
  const rules = NETWORK_RULES[network];
  const { text, unknownSlugs } = composeChannelText(draft, network);
  const { used, unit } = textLength(text, network);
  const max = maxTextLengthFor(network, target.maxCharacters);
  const where = { channelId: target.channelId, network };
  const who = target.handle.trim() || target.partnerSlug;
  const problems: Problem[] = [];

  for (const slug of unknownSlugs) {
    problems.push({
      ...where,
      code: 'unknown_partner_placeholder',
      message: `{{partner:${slug}}} does not name any partner (text for ${who} on ${rules.label}): check the spelling or add the partner.`,
      details: { slug },
    });
  }

  if (text.trim() === '' && media.length === 0) {
    problems.push({
      ...where,
      code: 'empty_text',
      message: `The post for ${who} on ${rules.label} has no text and no media: write a text or add an image.`,
    });
  }

  if (used > max) {
    problems.push({
      ...where,
      code: 'text_too_long',
      message: `${rules.label} counts ${num(used)} of ${num(max)} characters for ${who}: shorten by ${num(used - max)}.`,
      details: { used, max, unit, over: used - max },
    });
  }

  const maxBytes = rules.text.maxUtf8Bytes;
  if (maxBytes !== undefined) {
    const bytes = countUtf8Bytes(text);
    if (bytes > maxBytes) {
      problems.push({
        ...where,
        code: 'text_too_long',
        message: `${rules.label} stores at most ${num(maxBytes)} bytes of text and the text for ${who} takes ${num(bytes)} (emoji and accented letters take several bytes each): shorten it.`,
        details: { used: bytes, max: maxBytes, unit: 'bytes', over: bytes - maxBytes },
      });
    }
  }

  const maxHashtags = rules.text.maxHashtags;
  if (maxHashtags !== undefined) {
    const count = countHashtags(text);
    if (count > maxHashtags) {
      problems.push({
        ...where,
        code: 'too_many_hashtags',
        message: `${rules.label} accepts at most ${num(maxHashtags)} hashtags and the text for ${who} has ${num(count)}: remove ${num(count - maxHashtags)}.`,
        details: { count, max: maxHashtags },
      });
    }
  }

  problems.push(...checkMedia(rules, media, who).map((problem) => ({ ...where, ...problem })));
  problems.push(...checkCapabilities(network, media, who).map((problem) => ({ ...where, ...problem })));
  return { ...where, text, length: { used, max, unit }, problems };
}

function checkMedia(rules: NetworkRules, media: readonly PostMedia[], who: string): Problem[] {
  const problems: Problem[] = [];
  const { label } = rules;
  const videos = media.filter((item) => item.type === 'video').length;
  const images = media.filter((item) => item.type === 'image').length;

  if (rules.media.required && media.length === 0) {
    problems.push({
      code: 'media_required',
      message: `${label} needs at least one image or video for ${who}: add one, or leave this channel out.`,
    });
  }
  if (media.length > rules.media.maxItems) {
    problems.push({
      code: 'too_many_media',
      message: `${label} accepts at most ${num(rules.media.maxItems)} images or videos per post and this post has ${num(media.length)} for ${who}: remove ${num(media.length - rules.media.maxItems)}.`,
      details: { count: media.length, max: rules.media.maxItems },
    });
  }
  const maxVideos = rules.media.maxVideos;
  if (maxVideos !== undefined && videos > maxVideos) {
    problems.push({
      code: 'too_many_media',
      message: `${label} accepts ${maxVideos === 1 ? 'only one video' : `at most ${num(maxVideos)} videos`} per post and this post has ${num(videos)} for ${who}: remove ${num(videos - maxVideos)}.`,
      details: { type: 'video', count: videos, max: maxVideos },
    });
  }
  if (rules.media.videoMustBeAlone && videos > 0 && images > 0) {
    problems.push({
      code: 'mixed_media',
      message: `${label} cannot publish a video together with images (${who}): keep the video alone, or only the images.`,
      details: { images, videos },
    });
  }

  const altRules = rules.media.altText;
  if (altRules) {
    media.forEach((item, index) => {
      const altText = item.altText ?? '';
      const length = altRules.unit === 'graphemes' ? countGraphemes(altText) : countCodePoints(altText);
      if (length > altRules.maxLength) {
        problems.push({
          code: 'alt_text_too_long',
          message: `The alt text of ${mediaName(item, index)} is ${num(length)} characters long; ${label} accepts at most ${num(altRules.maxLength)} for ${who}: shorten it by ${num(length - altRules.maxLength)}.`,
          details: { mediaIndex: index, used: length, max: altRules.maxLength, unit: altRules.unit },
        });
      }
    });
  }
  return problems;
}

/** What Chorus's adapter for this network cannot send (see publish-capabilities.ts). */
function checkCapabilities(network: Network, media: readonly PostMedia[], who: string): Problem[] {
  const problems: Problem[] = [];
  const { label } = NETWORK_RULES[network];
  const can = PUBLISH_CAPABILITIES[network];
  media.forEach((item, index) => {
    if (item.type === 'video' && !can.video) {
      problems.push({
        code: 'media_not_supported',
        message: `Chorus cannot publish videos on ${label} yet (${mediaName(item, index)}, for ${who}): use images, or leave this channel out.`,
        details: { mediaIndex: index, type: 'video' },
      });
      return;
    }
    const allowed = item.type === 'image' || item.type === 'video' ? can.extensions?.[item.type] : undefined;
    const extension = typeof item.url === 'string' ? extensionOf(item.url) : null;
    if (allowed && extension && !allowed.includes(extension)) {
      problems.push({
        code: 'media_format_not_supported',
        message: `${label} cannot take ${mediaName(item, index)} as a .${extension} file (for ${who}): use ${allowed.map((e) => `.${e}`).join(', ')}.`,
        details: { mediaIndex: index, extension, allowed },
      });
    }
  });
  return problems;
}

/** 'image 2', 'video 1': position in the whole media list, counted from 1 as people do. */
function mediaName(item: PostMedia, index: number): string {
  const kind = item.type === 'video' ? 'video' : item.type === 'image' ? 'image' : 'media';
  return `${kind} ${index + 1}`;
}

const numberFormat = new Intl.NumberFormat('en-US');
function num(value: number): string {
  return numberFormat.format(value);
}
