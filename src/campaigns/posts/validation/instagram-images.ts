import { imageInfo } from '../../../channels/media/image-info';
import { MediaFetcher } from '../../../channels/media/media-fetcher.types';
import type { Problem, PostMedia, PostTarget } from './validate-post';

/** Instagram's feed accepts width / height from 4:5 to 1.91:1 (its content-publishing guide). */
export const INSTAGRAM_MIN_RATIO = 0.8;
export const INSTAGRAM_MAX_RATIO = 1.91;
// Pixel sizes are whole numbers: 1080×1350 is exactly 4:5, but 1910×1000 rounds; a hair of slack.
const SLACK = 0.001;

/**
 * Instagram publishes JPEG images only, within its proportions. Both are checked when the post
 * is composed, by reading each image's header, so the partner never approves a post that would
 * fail at the minute. We refuse rather than convert: the partner approves the image they see,
 * and Meta fetches the image from its own URL, so a converted copy would need hosting Chorus
 * does not have.
 *
 * An image that cannot be downloaded now is not refused here (its server may be down for a
 * moment); if it still cannot be fetched at the minute, the delivery fails with Instagram's reason.
 */
export async function instagramImageProblems(media: readonly PostMedia[], targets: readonly PostTarget[], fetcher: MediaFetcher): Promise<Problem[]> {
  const instagram = targets.filter((t) => t.network === 'instagram');
  if (instagram.length === 0) return [];
  const problems: Problem[] = [];
  for (const [mediaIndex, item] of media.entries()) {
    if (item.type !== 'image') continue;
    const file = await fetcher.fetch(item.url).catch(() => null);
    if (!file) continue;
    const info = imageInfo(file.bytes);
    const name = `image ${mediaIndex + 1}`;
    for (const target of instagram) {
      if (info.format !== 'jpeg') {
        problems.push({
          code: 'unsupported_media_format',
          channelId: target.channelId,
          network: 'instagram',
          message: `Instagram publishes JPEG images only; ${name} is ${info.format === 'unknown' ? 'not an image Chorus recognises' : `a ${info.format.toUpperCase()}`}. Save it as JPEG for ${target.handle}.`,
          details: { mediaIndex, format: info.format, accepted: ['jpeg'] },
        });
        continue;
      }
      const ratio = info.width && info.height ? info.width / info.height : null;
      if (ratio !== null && (ratio < INSTAGRAM_MIN_RATIO - SLACK || ratio > INSTAGRAM_MAX_RATIO + SLACK)) {
        problems.push({
          code: 'media_aspect_ratio',
          channelId: target.channelId,
          network: 'instagram',
          message: `Instagram takes images from 4:5 (portrait) to 1.91:1 (landscape); ${name} is ${info.width}×${info.height} (${ratio.toFixed(2)}:1). Crop it for ${target.handle}.`,
          details: { mediaIndex, width: info.width, height: info.height, min: INSTAGRAM_MIN_RATIO, max: INSTAGRAM_MAX_RATIO },
        });
      }
    }
  }
  return problems;
}
