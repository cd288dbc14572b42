import type { Network } from '../../../channels/network';
import type { PartnerMention } from './placeholders';
import {
  PROBLEM_CODES,
  composeChannelText,
  isHttpUrl,
  validatePost,
  type PostDraft,
  type PostMedia,
  type PostTarget,
  type Problem,
} from './validate-post';

const partners: PartnerMention[] = [
  {
    slug: 'petitscommerces',
    name: 'petitscommerces.fr',
    handles: {
      x: '@petitscommerces',
      mastodon: '@petitscommerces@piaille.fr',
      bluesky: '@petitscommerces.bsky.social',
      instagram: '@petitscommerces.fr',
    },
  },
  { slug: 'costo', name: 'CoSto', handles: { x: '@CoSto_Paris', facebook: '@costo.paris' } },
];

function target(network: Network, overrides: Partial<PostTarget> = {}): PostTarget {
  return {
    channelId: `ch-${network}`,
    network,
    partnerSlug: 'petitscommerces',
    handle: '@petitscommerces',
    ...overrides,
  };
}

function draft(overrides: Partial<PostDraft> = {}): PostDraft {
  return { baseText: 'Bonjour', variants: {}, link: null, media: [], partners, targets: [target('x')], ...overrides };
}

const image = (n = 1): PostMedia => ({ url: `https://cdn.example.com/${n}.jpg`, type: 'image', altText: 'Une boutique' });
const video = (n = 1): PostMedia => ({ url: `https://cdn.example.com/${n}.mp4`, type: 'video' });
const images = (count: number): PostMedia[] => Array.from({ length: count }, (_, i) => image(i + 1));
const codes = (problems: Problem[]): string[] => problems.map((problem) => problem.code);
const LONG_URL = `https://example.com/${'a'.repeat(80)}`;
const FAMILY = '👨‍👩‍👧‍👦';

describe('validatePost', () => {
  it('accepts a post that fits every network, and returns each channel’s text and count', () => {
    const result = validatePost(
      draft({
        baseText: 'Découvrez {{partner:petitscommerces}} !',
        media: [image()],
        targets: (['x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'sandbox'] as const).map((n) =>
          target(n),
        ),
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.targets).toHaveLength(7);
    expect(result.targets[0]).toEqual({
      channelId: 'ch-x',
      network: 'x',
      text: 'Découvrez @petitscommerces !',
      length: { used: 28, max: 280, unit: 'weighted' },
      problems: [],
    });
    expect(result.targets.find((t) => t.network === 'bluesky')?.length).toEqual({ used: 40, max: 300, unit: 'graphemes' });
    expect(result.targets.find((t) => t.network === 'facebook')?.text).toBe('Découvrez petitscommerces.fr !');
  });

  describe('text per channel', () => {
    it('uses a network variant instead of the base text, and the base text elsewhere', () => {
      const result = validatePost(
        draft({
          baseText: 'Base {{partner:costo}}',
          variants: { mastodon: 'Variante Mastodon pour {{partner:petitscommerces}}', bluesky: '   ' },
          targets: [target('x'), target('mastodon'), target('bluesky')],
        }),
      );
      expect(result.targets.map((t) => t.text)).toEqual([
        'Base @CoSto_Paris',
        'Variante Mastodon pour @petitscommerces@piaille.fr',
        'Base CoSto', // a blank variant counts as none
      ]);
    });

    it('counts the variant, not the base text', () => {
      const result = validatePost(draft({ baseText: 'a'.repeat(400), variants: { x: 'court' }, targets: [target('x')] }));
      expect(result.ok).toBe(true);
      expect(result.targets[0]?.length.used).toBe(5);
    });

    it('appends the link on its own line unless the text already has it', () => {
      const link = 'https://costo.paris/pack';
      expect(composeChannelText({ baseText: 'Le pack  ', link, partners }, 'x').text).toBe(`Le pack\n${link}`);
      expect(composeChannelText({ baseText: `Voir ${link} !`, link, partners }, 'x').text).toBe(`Voir ${link} !`);
      expect(composeChannelText({ baseText: '', link, partners }, 'x').text).toBe(link);
      expect(composeChannelText({ baseText: 'Sans lien', link: null, partners }, 'x').text).toBe('Sans lien');
    });

    it('counts the appended link as each network does', () => {
      const result = validatePost(
        draft({ baseText: 'Le pack', link: LONG_URL, targets: [target('x'), target('mastodon'), target('bluesky')] }),
      );
      expect(result.targets.map((t) => t.length.used)).toEqual([7 + 1 + 23, 7 + 1 + 23, 7 + 1 + 100]);
    });
  });

  describe('length', () => {
    it('accepts exactly 280 on X and refuses 281', () => {
      expect(validatePost(draft({ baseText: 'a'.repeat(280) })).ok).toBe(true);
      const result = validatePost(draft({ baseText: 'a'.repeat(281) }));
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([
        {
          code: 'text_too_long',
          channelId: 'ch-x',
          network: 'x',
          message: 'X counts 281 of 280 characters for @petitscommerces: shorten by 1.',
          details: { used: 281, max: 280, unit: 'weighted', over: 1 },
        },
      ]);
    });

    it('tells how much to shorten', () => {
      const result = validatePost(draft({ baseText: 'a'.repeat(291) }));
      expect(result.problems[0]?.message).toBe('X counts 291 of 280 characters for @petitscommerces: shorten by 11.');
    });

    it('counts emoji as 2 on X', () => {
      expect(validatePost(draft({ baseText: '😀'.repeat(140) })).ok).toBe(true);
      const result = validatePost(draft({ baseText: '😀'.repeat(141) }));
      expect(result.targets[0]?.length.used).toBe(282);
      expect(codes(result.problems)).toEqual(['text_too_long']);
    });

    it('counts a 100-character URL as 23 on X and Mastodon', () => {
      const fits = `${'a'.repeat(256)} ${LONG_URL}`; // 256 + 1 + 23 = 280
      expect(validatePost(draft({ baseText: fits })).ok).toBe(true);
      expect(validatePost(draft({ baseText: `a${fits}` })).targets[0]?.length.used).toBe(281);

      const mastodon = `${'a'.repeat(476)} ${LONG_URL}`; // 476 + 1 + 23 = 500
      expect(validatePost(draft({ baseText: mastodon, targets: [target('mastodon')] })).ok).toBe(true);
      expect(validatePost(draft({ baseText: `a${mastodon}`, targets: [target('mastodon')] })).ok).toBe(false);
    });

    it('uses the Mastodon instance limit of the channel', () => {
      const text = 'a'.repeat(800);
      const result = validatePost(
        draft({
          baseText: text,
          targets: [target('mastodon', { channelId: 'big', maxCharacters: 1000 }), target('mastodon', { channelId: 'small' })],
        }),
      );
      expect(result.targets.map((t) => t.length.max)).toEqual([1000, 500]);
      expect(result.problems.map((p) => p.channelId)).toEqual(['small']);
    });

    it('counts a family emoji as one grapheme on Bluesky', () => {
      const result = validatePost(draft({ baseText: `${'a'.repeat(299)}${FAMILY}`, targets: [target('bluesky')] }));
      expect(result.ok).toBe(true);
      expect(result.targets[0]?.length).toEqual({ used: 300, max: 300, unit: 'graphemes' });

      const tooLong = validatePost(draft({ baseText: 'é'.repeat(301), targets: [target('bluesky')] }));
      expect(tooLong.problems[0]?.message).toBe('Bluesky counts 301 of 300 characters for @petitscommerces: shorten by 1.');
    });

    it('also enforces Bluesky’s 3,000-byte cap', () => {
      // 150 graphemes, but 25 bytes each.
      const result = validatePost(draft({ baseText: FAMILY.repeat(150), targets: [target('bluesky')] }));
      expect(result.targets[0]?.length.used).toBe(150);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({
        code: 'text_too_long',
        details: { used: 3750, max: 3000, unit: 'bytes', over: 750 },
      });
    });

    it('applies the other networks’ limits', () => {
      const cases: Array<[Network, number]> = [
        ['instagram', 2200],
        ['facebook', 63206],
        ['linkedin', 3000],
        ['sandbox', 5000],
      ];
      for (const [network, max] of cases) {
        const media = [image()];
        expect(validatePost(draft({ baseText: 'a'.repeat(max), media, targets: [target(network)] })).ok).toBe(true);
        const result = validatePost(draft({ baseText: 'a'.repeat(max + 1), media, targets: [target(network)] }));
        expect(codes(result.problems)).toEqual(['text_too_long']);
      }
    });
  });

  describe('hashtags', () => {
    const tags = (count: number): string => Array.from({ length: count }, (_, i) => `#tag${i}`).join(' ');

    it('accepts 30 hashtags on Instagram and refuses 31', () => {
      const media = [image()];
      expect(validatePost(draft({ baseText: tags(30), media, targets: [target('instagram')] })).ok).toBe(true);
      const result = validatePost(draft({ baseText: tags(31), media, targets: [target('instagram')] }));
      expect(result.problems).toEqual([
        expect.objectContaining({
          code: 'too_many_hashtags',
          message: 'Instagram accepts at most 30 hashtags and the text for @petitscommerces has 31: remove 1.',
          details: { count: 31, max: 30 },
        }),
      ]);
    });

    it('does not cap hashtags elsewhere', () => {
      expect(validatePost(draft({ baseText: tags(31), targets: [target('facebook')] })).ok).toBe(true);
    });
  });

  describe('media', () => {
    it('requires an image or a video on Instagram', () => {
      const result = validatePost(draft({ targets: [target('instagram')] }));
      expect(result.problems).toEqual([
        expect.objectContaining({
          code: 'media_required',
          channelId: 'ch-instagram',
          message: 'Instagram needs at least one image or video for @petitscommerces: add one, or leave this channel out.',
        }),
      ]);
      expect(validatePost(draft({ media: [video()], targets: [target('instagram')] })).ok).toBe(true);
    });

    it.each([
      ['x', 4],
      ['mastodon', 4],
      ['bluesky', 4],
      ['instagram', 10],
      ['facebook', 10],
      ['linkedin', 20],
      ['sandbox', 10],
    ] as const)('%s takes at most %i media', (network, max) => {
      expect(validatePost(draft({ media: images(max), targets: [target(network)] })).ok).toBe(true);
      const result = validatePost(draft({ media: images(max + 1), targets: [target(network)] }));
      expect(result.problems).toEqual([expect.objectContaining({ code: 'too_many_media', details: { count: max + 1, max } })]);
    });

    it('refuses a video beside images on X and Bluesky, not in an Instagram carousel', () => {
      const media = [image(), video()];
      const result = validatePost(draft({ media, targets: [target('x'), target('bluesky'), target('instagram')] }));
      expect(result.problems.map((p) => [p.code, p.network])).toEqual([
        ['mixed_media', 'x'],
        ['mixed_media', 'bluesky'],
        // Chorus's Bluesky adapter has no video path yet (publish-capabilities.ts).
        ['media_not_supported', 'bluesky'],
      ]);
      expect(result.problems[0]?.message).toBe(
        'X cannot publish a video together with images (@petitscommerces): keep the video alone, or only the images.',
      );
    });

    it('takes one video at most on X', () => {
      const result = validatePost(draft({ media: [video(1), video(2)] }));
      expect(result.problems).toEqual([
        expect.objectContaining({
          code: 'too_many_media',
          message: 'X accepts only one video per post and this post has 2 for @petitscommerces: remove 1.',
          details: { type: 'video', count: 2, max: 1 },
        }),
      ]);
    });

    it('checks alt text length per network', () => {
      const media = [image(1), { ...image(2), altText: 'a'.repeat(1001) }];
      const result = validatePost(draft({ media, targets: [target('x'), target('mastodon')] }));
      expect(result.problems).toEqual([
        {
          code: 'alt_text_too_long',
          channelId: 'ch-x',
          network: 'x',
          message:
            'The alt text of image 2 is 1,001 characters long; X accepts at most 1,000 for @petitscommerces: shorten it by 1.',
          details: { mediaIndex: 1, used: 1001, max: 1000, unit: 'characters' },
        },
      ]);
      const mastodon = validatePost(draft({ media: [{ ...image(), altText: 'a'.repeat(1501) }], targets: [target('mastodon')] }));
      expect(codes(mastodon.problems)).toEqual(['alt_text_too_long']);
      const bluesky = validatePost(draft({ media: [{ ...image(), altText: FAMILY.repeat(2000) }], targets: [target('bluesky')] }));
      expect(bluesky.ok).toBe(true);
    });

    it('reports a media address that is not http(s) once, for the post', () => {
      const media: PostMedia[] = [
        { url: 'ftp://cdn.example.com/1.jpg', type: 'image' },
        { url: '/uploads/2.jpg', type: 'image' },
        image(3),
      ];
      const result = validatePost(draft({ media, targets: [target('x'), target('mastodon')] }));
      expect(result.problems).toEqual([
        {
          code: 'invalid_media_url',
          message:
            'The address of image 1 ("ftp://cdn.example.com/1.jpg") is not a full web address: it must start with http:// or https://.',
          details: { mediaIndex: 0, url: 'ftp://cdn.example.com/1.jpg' },
        },
        expect.objectContaining({ code: 'invalid_media_url', details: { mediaIndex: 1, url: '/uploads/2.jpg' } }),
      ]);
      expect(result.targets.every((t) => t.problems.length === 0)).toBe(true);
    });

    it('reports an unknown media type', () => {
      const media = [{ url: 'https://cdn.example.com/a.gif', type: 'gif' } as unknown as PostMedia];
      expect(codes(validatePost(draft({ media })).problems)).toEqual(['invalid_media_type']);
    });
  });

  describe('what Chorus can publish (refused when composing, not at the minute)', () => {
    it('refuses a video on the networks whose adapter has no video path yet, per channel, and lets it through elsewhere', () => {
      const result = validatePost(
        draft({ media: [video()], targets: (['facebook', 'linkedin', 'bluesky', 'x', 'mastodon', 'instagram'] as const).map((n) => target(n)) }),
      );
      expect(result.problems.map((p) => [p.code, p.network])).toEqual([
        ['media_not_supported', 'facebook'],
        ['media_not_supported', 'linkedin'],
        ['media_not_supported', 'bluesky'],
      ]);
      expect(result.problems[0].message).toBe('Chorus cannot publish videos on Facebook yet (video 1, for @petitscommerces): use images, or leave this channel out.');
      expect(result.problems[0].details).toEqual({ mediaIndex: 0, type: 'video' });
    });

    it('refuses a file whose extension the network\'s adapter cannot send, and lets an address without extension through', () => {
      const media: PostMedia[] = [
        { url: 'https://cdn.example.com/affiche.SVG?v=2', type: 'image' },
        { url: 'https://cdn.example.com/render?id=4', type: 'image' },
      ];
      const result = validatePost(draft({ media, targets: [target('x'), target('linkedin')] }));
      expect(result.problems.map((p) => [p.code, p.network, p.details?.mediaIndex])).toEqual([
        ['media_format_not_supported', 'x', 0],
        ['media_format_not_supported', 'linkedin', 0],
      ]);
      expect(result.problems[1].message).toBe('LinkedIn cannot take image 1 as a .svg file (for @petitscommerces): use .jpg, .jpeg, .png, .gif.');
    });
  });

  describe('link', () => {
    it('refuses a link that is not an absolute http(s) URL, once, and does not append it', () => {
      for (const link of ['costo.paris', 'ftp://costo.paris', 'https://', 'https:costo.paris', 'https://costo .paris']) {
        const result = validatePost(draft({ link, targets: [target('x'), target('facebook')] }));
        expect(codes(result.problems)).toEqual(['invalid_link']);
        expect(result.problems[0]?.channelId).toBeUndefined();
        expect(result.targets[0]?.text).toBe('Bonjour');
      }
    });

    it('accepts http and https links', () => {
      expect(validatePost(draft({ link: 'http://costo.paris' })).ok).toBe(true);
      expect(validatePost(draft({ link: ' https://costo.paris/pack?utm=1#top ' })).targets[0]?.text).toBe(
        'Bonjour\nhttps://costo.paris/pack?utm=1#top',
      );
    });
  });

  describe('placeholders', () => {
    it('reports an unknown partner on every channel whose text names it', () => {
      const result = validatePost(
        draft({
          baseText: 'Merci {{partner:bastina}}',
          variants: { facebook: 'Merci à tous' },
          targets: [target('x'), target('facebook'), target('mastodon', { handle: '@costo@piaille.fr' })],
        }),
      );
      expect(result.problems.map((p) => [p.code, p.channelId, p.details])).toEqual([
        ['unknown_partner_placeholder', 'ch-x', { slug: 'bastina' }],
        ['unknown_partner_placeholder', 'ch-mastodon', { slug: 'bastina' }],
      ]);
      expect(result.problems[1]?.message).toBe(
        '{{partner:bastina}} does not name any partner (text for @costo@piaille.fr on Mastodon): check the spelling or add the partner.',
      );
    });
  });

  describe('empty posts', () => {
    it('refuses a post with no text and no media', () => {
      const result = validatePost(draft({ baseText: '  \n ' }));
      expect(codes(result.problems)).toEqual(['empty_text']);
    });

    it('accepts a media-only post', () => {
      expect(validatePost(draft({ baseText: '', media: [image()] })).ok).toBe(true);
    });

    it('refuses a post with no channel', () => {
      const result = validatePost(draft({ targets: [] }));
      expect(result).toEqual({
        ok: false,
        link: null,
        targets: [],
        problems: [{ code: 'no_targets', message: 'Pick at least one channel to publish this post on.' }],
      });
    });
  });

  it('reports every channel’s problems at once', () => {
    const result = validatePost(
      draft({
        baseText: `${'a'.repeat(300)} {{partner:costo}}`,
        link: 'notalink',
        media: [image(), video()],
        targets: [
          target('x'),
          target('instagram', { channelId: 'ig' }),
          target('bluesky'),
          target('facebook', { partnerSlug: 'costo', handle: '@costo.paris' }),
        ],
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.code, p.channelId])).toEqual([
      ['invalid_link', undefined],
      ['text_too_long', 'ch-x'],
      ['mixed_media', 'ch-x'],
      ['text_too_long', 'ch-bluesky'],
      ['mixed_media', 'ch-bluesky'],
      ['media_not_supported', 'ch-bluesky'],
      ['mixed_media', 'ch-facebook'],
      ['media_not_supported', 'ch-facebook'],
    ]);
    expect(result.targets.map((t) => t.problems.length)).toEqual([2, 0, 3, 2]);
    expect(result.targets.map((t) => t.length.used)).toEqual([313, 306, 306, 313]); // Instagram and Bluesky fall back to the name "CoSto"
    expect(result.problems).toEqual([
      result.problems[0],
      ...result.targets.flatMap((t) => t.problems),
    ]);
  });

  it('only uses the documented problem codes', () => {
    const result = validatePost(
      draft({
        baseText: `{{partner:x}} ${'#a '.repeat(40)}${'a'.repeat(3000)}`,
        link: 'bad',
        media: [...images(11), video(), { url: 'nope', type: 'image', altText: 'a'.repeat(3000) }, { url: 'https://cdn.example.com/a.svg', type: 'image' }],
        targets: (['x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'sandbox'] as const).map((n) => target(n)),
      }),
    );
    for (const problem of result.problems) {
      expect(PROBLEM_CODES).toContain(problem.code);
      expect(problem.message).toMatch(/\S/);
    }
    expect(new Set(codes(result.problems))).toEqual(
      new Set([
        'unknown_partner_placeholder',
        'text_too_long',
        'too_many_hashtags',
        'too_many_media',
        'mixed_media',
        'alt_text_too_long',
        'invalid_media_url',
        'invalid_link',
        'media_not_supported',
        'media_format_not_supported',
      ]),
    );
  });
});

describe('isHttpUrl', () => {
  it.each([
    ['https://costo.paris', true],
    ['http://localhost:3000/a', true],
    ['HTTPS://COSTO.PARIS', true],
    ['costo.paris', false],
    ['mailto:a@b.fr', false],
    ['javascript:alert(1)', false],
    ['https://', false],
    ['', false],
  ])('%s → %s', (value, expected) => {
    expect(isHttpUrl(value)).toBe(expected);
  });
});
