import type { Network } from '../../../channels/network';

/**
 * How a network measures the length of a post's text:
 * - `weighted`: X's weighted count (twitter-text): URLs 23, most emoji and CJK 2, Latin 1.
 * - `characters`: Unicode code points (an emoji made of one code point counts 1).
 * - `graphemes`: what a reader sees as one character (a ZWJ family emoji counts 1).
 */
export type LengthUnit = 'weighted' | 'characters' | 'graphemes';

/** The counting algorithm; `mastodon` is code points after Mastodon's URL and mention rewriting. */
export type LengthCounting = 'x_weighted' | 'mastodon' | 'code_points' | 'graphemes';

export type MediaType = 'image' | 'video';
export const MEDIA_TYPES: readonly MediaType[] = ['image', 'video'];

export interface TextRules {
  /** Default maximum, in `unit`. */
  maxLength: number;
  unit: LengthUnit;
  counting: LengthCounting;
  /** True when a channel may carry its own maximum (a Mastodon instance's `max_characters`). */
  channelMayOverrideMax: boolean;
  /** A second, byte-based cap some networks also enforce on the UTF-8 text. */
  maxUtf8Bytes?: number;
  /** Hashtags allowed in the text, when the network caps them. */
  maxHashtags?: number;
}

export interface AltTextRules {
  maxLength: number;
  /** Alt text is counted in code points (`characters`) or graphemes. */
  unit: Exclude<LengthUnit, 'weighted'>;
}

export interface MediaRules {
  /** The post cannot go out without at least one image or video. */
  required: boolean;
  /** Images and videos together. */
  maxItems: number;
  /** Videos alone; absent when only `maxItems` applies. */
  maxVideos?: number;
  /** A video cannot share a post with images. */
  videoMustBeAlone: boolean;
  /** Absent when the network documents no limit (or takes no alt text through its API). */
  altText?: AltTextRules;
}

export interface NetworkRules {
  /** The network's name as people write it, for messages. */
  label: string;
  text: TextRules;
  media: MediaRules;
}

/**
 * What each network accepts, as we know it from its API documentation. Limits are the API's,
 * since Chorus publishes through the API, not through the networks' own composers.
 */
export const NETWORK_RULES: Readonly<Record<Network, NetworkRules>> = {
  x: {
    label: 'X',
    text: { maxLength: 280, unit: 'weighted', counting: 'x_weighted', channelMayOverrideMax: false },
    media: {
      required: false,
      // Up to 4 photos, or a single video (or GIF) on its own.
      maxItems: 4,
      maxVideos: 1,
      videoMustBeAlone: true,
      altText: { maxLength: 1000, unit: 'characters' },
    },
  },
  mastodon: {
    label: 'Mastodon',
    // 500 is Mastodon's default; each instance publishes its own `max_characters`.
    text: { maxLength: 500, unit: 'characters', counting: 'mastodon', channelMayOverrideMax: true },
    media: {
      required: false,
      // Mastodon's default of 4 attachments; Mastodon also refuses a video beside images.
      maxItems: 4,
      maxVideos: 1,
      videoMustBeAlone: true,
      altText: { maxLength: 1500, unit: 'characters' },
    },
  },
  bluesky: {
    label: 'Bluesky',
    // 300 graphemes, and the record's text field is also capped at 3,000 UTF-8 bytes. URLs
    // count in full: the Bluesky app shortens links before posting, the API does not.
    text: {
      maxLength: 300,
      unit: 'graphemes',
      counting: 'graphemes',
      channelMayOverrideMax: false,
      maxUtf8Bytes: 3000,
    },
    media: {
      required: false,
      // An images embed holds up to 4 images; a video embed holds one video and nothing else.
      maxItems: 4,
      maxVideos: 1,
      videoMustBeAlone: true,
      altText: { maxLength: 2000, unit: 'graphemes' },
    },
  },
  instagram: {
    label: 'Instagram',
    text: {
      maxLength: 2200,
      unit: 'characters',
      counting: 'code_points',
      channelMayOverrideMax: false,
      maxHashtags: 30,
    },
    media: {
      // Instagram has no text-only posts.
      required: true,
      // A carousel holds up to 10 items, images and videos mixed.
      maxItems: 10,
      videoMustBeAlone: false,
    },
  },
  facebook: {
    label: 'Facebook',
    text: { maxLength: 63206, unit: 'characters', counting: 'code_points', channelMayOverrideMax: false },
    media: {
      required: false,
      // Our cap for a multi-photo Page post (the Graph API takes more, but posts stop rendering
      // as one album); a video is published through its own endpoint, so it goes alone.
      maxItems: 10,
      maxVideos: 1,
      videoMustBeAlone: true,
    },
  },
  linkedin: {
    label: 'LinkedIn',
    text: { maxLength: 3000, unit: 'characters', counting: 'code_points', channelMayOverrideMax: false },
    media: {
      required: false,
      // The Posts API's multi-image content takes 2 to 20 images (LinkedIn's own composer used to
      // stop at 9); video is a separate content type, one video and no images.
      maxItems: 20,
      maxVideos: 1,
      videoMustBeAlone: true,
    },
  },
  sandbox: {
    label: 'Sandbox',
    // The demo network: generous, but with limits so the composer's counters and errors can be
    // shown; 5,000 sits above every real network except Facebook.
    text: { maxLength: 5000, unit: 'characters', counting: 'code_points', channelMayOverrideMax: false },
    media: {
      required: false,
      maxItems: 10,
      videoMustBeAlone: false,
      altText: { maxLength: 2000, unit: 'characters' },
    },
  },
};

/**
 * The text limit for one channel: the channel's own maximum where the network lets instances
 * choose (Mastodon), else the network's. A missing or nonsensical override is ignored.
 */
export function maxTextLengthFor(network: Network, channelMax?: number | null): number {
  const rules = NETWORK_RULES[network].text;
  if (rules.channelMayOverrideMax && typeof channelMax === 'number' && Number.isInteger(channelMax) && channelMax > 0) {
    return channelMax;
  }
  return rules.maxLength;
}
