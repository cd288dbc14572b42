import type { Network } from '../../../channels/network';

/**
 * What Chorus's own adapter for each network can publish today, which may be less than the
 * network accepts: a post the adapter cannot send is refused when it is composed, never approved
 * and then failed at the minute. Keep in step with the adapters in src/channels/adapters (each
 * still refuses at publication, should a post slip through).
 */
export interface PublishCapabilities {
  /** The adapter has a video path. */
  video: boolean;
  /**
   * File extensions the adapter can send, by media type, judged from the address's path (an
   * address without an extension is let through: the adapter checks the file's type when it fetches it).
   * Absent: no restriction known at composing time.
   */
  extensions?: Partial<Record<'image' | 'video', readonly string[]>>;
}

export const PUBLISH_CAPABILITIES: Readonly<Record<Network, PublishCapabilities>> = {
  // x.adapter.ts uploads what twitter-api-v2's media upload takes.
  x: { video: true, extensions: { image: ['jpg', 'jpeg', 'png', 'gif', 'webp'], video: ['mp4', 'mov'] } },
  // Mastodon's default media types (docs.joinmastodon.org/user/posting/#media).
  mastodon: { video: true, extensions: { image: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'heif', 'avif'], video: ['mp4', 'm4v', 'mov', 'webm'] } },
  // bluesky.adapter.ts sends images only, as blobs.
  bluesky: { video: false, extensions: { image: ['jpg', 'jpeg', 'png', 'webp', 'gif'] } },
  instagram: { video: true },
  // facebook.adapter.ts publishes photos (/photos) and text; no video upload yet.
  facebook: { video: false, extensions: { image: ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'tif', 'tiff'] } },
  // linkedin.adapter.ts uploads images through /rest/images (JPG, PNG, GIF); no video path yet.
  linkedin: { video: false, extensions: { image: ['jpg', 'jpeg', 'png', 'gif'] } },
  sandbox: { video: true },
};

/** The lower-case extension of an address's path ('jpg' for …/a.JPG?x=1), or null. */
export function extensionOf(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    const dot = last.lastIndexOf('.');
    return dot > 0 && dot < last.length - 1 ? last.slice(dot + 1).toLowerCase() : null;
  } catch {
    return null;
  }
}
