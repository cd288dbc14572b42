import { NETWORKS } from '../../../channels/network';
import { NETWORK_RULES, maxTextLengthFor } from './network-rules';

describe('NETWORK_RULES', () => {
  it('has rules for every network', () => {
    for (const network of NETWORKS) {
      expect(NETWORK_RULES[network]).toBeDefined();
      expect(NETWORK_RULES[network].text.maxLength).toBeGreaterThan(0);
      expect(NETWORK_RULES[network].media.maxItems).toBeGreaterThan(0);
    }
  });

  it.each([
    ['x', 280, 'weighted'],
    ['mastodon', 500, 'characters'],
    ['bluesky', 300, 'graphemes'],
    ['instagram', 2200, 'characters'],
    ['facebook', 63206, 'characters'],
    ['linkedin', 3000, 'characters'],
    ['sandbox', 5000, 'characters'],
  ] as const)('%s allows %i %s', (network, max, unit) => {
    expect(NETWORK_RULES[network].text.maxLength).toBe(max);
    expect(NETWORK_RULES[network].text.unit).toBe(unit);
  });

  it('knows the media counts and alt text limits', () => {
    expect(NETWORK_RULES.x.media).toMatchObject({ maxItems: 4, maxVideos: 1, videoMustBeAlone: true });
    expect(NETWORK_RULES.x.media.altText?.maxLength).toBe(1000);
    expect(NETWORK_RULES.mastodon.media.altText?.maxLength).toBe(1500);
    expect(NETWORK_RULES.bluesky.media).toMatchObject({ maxItems: 4, videoMustBeAlone: true });
    expect(NETWORK_RULES.bluesky.media.altText?.maxLength).toBe(2000);
    expect(NETWORK_RULES.instagram.media).toMatchObject({ required: true, maxItems: 10, videoMustBeAlone: false });
    expect(NETWORK_RULES.instagram.text.maxHashtags).toBe(30);
  });
});

describe('maxTextLengthFor', () => {
  it('uses a Mastodon instance limit when the channel has one', () => {
    expect(maxTextLengthFor('mastodon', 1000)).toBe(1000);
    expect(maxTextLengthFor('mastodon', undefined)).toBe(500);
    expect(maxTextLengthFor('mastodon', null)).toBe(500);
  });

  it('ignores nonsensical overrides', () => {
    expect(maxTextLengthFor('mastodon', 0)).toBe(500);
    expect(maxTextLengthFor('mastodon', -3)).toBe(500);
    expect(maxTextLengthFor('mastodon', 12.5)).toBe(500);
  });

  it('ignores overrides on networks with one fixed limit', () => {
    expect(maxTextLengthFor('x', 25000)).toBe(280);
    expect(maxTextLengthFor('bluesky', 1000)).toBe(300);
  });
});
