import { headerOnlyJpeg, headerOnlyPng } from '../../../../test/emulators/test-images';
import { imageInfo } from '../../../channels/media/image-info';
import { MediaFetcher } from '../../../channels/media/media-fetcher.types';
import { instagramImageProblems } from './instagram-images';
import type { PostTarget } from './validate-post';

const files: Record<string, Buffer> = {
  'https://cdn.example/portrait.jpg': headerOnlyJpeg(1080, 1350),
  'https://cdn.example/landscape.jpg': headerOnlyJpeg(1910, 1000),
  'https://cdn.example/story.jpg': headerOnlyJpeg(1080, 1920),
  'https://cdn.example/panorama.jpg': headerOnlyJpeg(3000, 1000),
  'https://cdn.example/logo.png': headerOnlyPng(1000, 1000),
};
const fetcher: MediaFetcher = {
  fetch: async (url) => {
    const bytes = files[url];
    if (!bytes) throw new Error('unreachable');
    return { bytes, contentType: 'application/octet-stream' };
  },
};
const ig: PostTarget = { channelId: 'c-ig', network: 'instagram', partnerSlug: 'bastina', handle: '@bastina' };
const x: PostTarget = { channelId: 'c-x', network: 'x', partnerSlug: 'bastina', handle: '@bastina' };
const image = (url: string) => ({ url, type: 'image' as const });

describe('image headers', () => {
  it('reads the format and size of JPEG and PNG files', () => {
    expect(imageInfo(headerOnlyJpeg(1080, 1350))).toEqual({ format: 'jpeg', width: 1080, height: 1350 });
    expect(imageInfo(headerOnlyPng(640, 480))).toEqual({ format: 'png', width: 640, height: 480 });
    expect(imageInfo(Buffer.from('GIF89a')).format).toBe('gif');
    expect(imageInfo(Buffer.from('hello')).format).toBe('unknown');
  });
});

describe('Instagram image rules at compose time', () => {
  it('accepts JPEGs from 4:5 to 1.91:1', async () => {
    expect(await instagramImageProblems([image('https://cdn.example/portrait.jpg'), image('https://cdn.example/landscape.jpg')], [ig], fetcher)).toEqual([]);
  });

  it('refuses a PNG and out-of-range proportions, per Instagram channel, with the reason', async () => {
    const media = [image('https://cdn.example/logo.png'), image('https://cdn.example/story.jpg'), image('https://cdn.example/panorama.jpg')];
    const problems = await instagramImageProblems(media, [ig, x], fetcher);
    expect(problems.map((p) => [p.code, p.channelId, p.details?.mediaIndex])).toEqual([
      ['unsupported_media_format', 'c-ig', 0],
      ['media_aspect_ratio', 'c-ig', 1],
      ['media_aspect_ratio', 'c-ig', 2],
    ]);
    expect(problems[0].message).toMatch(/JPEG images only; image 1 is a PNG/);
    expect(problems[1].message).toMatch(/1080×1920 \(0\.56:1\)/);
  });

  it('fetches nothing when no Instagram channel is targeted, and does not refuse an image it cannot download now', async () => {
    let fetched = 0;
    const counting: MediaFetcher = { fetch: async (url) => (fetched++, fetcher.fetch(url)) };
    expect(await instagramImageProblems([image('https://cdn.example/logo.png')], [x], counting)).toEqual([]);
    expect(fetched).toBe(0);
    expect(await instagramImageProblems([image('https://cdn.example/gone.jpg')], [ig], counting)).toEqual([]);
    expect(fetched).toBe(1);
  });
});
