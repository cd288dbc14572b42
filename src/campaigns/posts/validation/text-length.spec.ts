import {
  countCodePoints,
  countGraphemes,
  countHashtags,
  countUtf8Bytes,
  mastodonCountableText,
  mastodonLength,
  textLength,
  xWeightedLength,
} from './text-length';

const FAMILY = '👨‍👩‍👧‍👦'; // man ZWJ woman ZWJ girl ZWJ boy: 7 code points, 11 UTF-16 units
const LONG_URL = `https://example.com/${'a'.repeat(80)}`;

describe('counting primitives', () => {
  it('counts code points, not UTF-16 units', () => {
    expect('😀'.length).toBe(2);
    expect(countCodePoints('😀')).toBe(1);
    expect(countCodePoints(FAMILY)).toBe(7);
    expect(countCodePoints('')).toBe(0);
  });

  it('counts a ZWJ family emoji and a flag as one grapheme each', () => {
    expect(countGraphemes(FAMILY)).toBe(1);
    expect(countGraphemes('🇫🇷')).toBe(1);
    expect(countGraphemes('e\u0301')).toBe(1); // e + combining acute accent
    expect(countGraphemes(`Paris ${FAMILY}`)).toBe(7);
  });

  it('counts UTF-8 bytes', () => {
    expect(countUtf8Bytes('abc')).toBe(3);
    expect(countUtf8Bytes('é')).toBe(2);
    expect(countUtf8Bytes(FAMILY)).toBe(25);
  });
});

describe('X weighted length', () => {
  it('counts Latin letters, including accented ones, as 1', () => {
    expect(xWeightedLength('Bonjour à tous')).toBe(14);
  });

  it('counts most emoji as 2, even a ZWJ sequence', () => {
    expect(xWeightedLength('😀')).toBe(2);
    expect(xWeightedLength(FAMILY)).toBe(2);
    expect(xWeightedLength('Hi 😀')).toBe(5);
  });

  it('counts CJK characters as 2', () => {
    expect(xWeightedLength('日本')).toBe(4);
  });

  it('counts any URL as 23', () => {
    expect(LONG_URL.length).toBe(100);
    expect(xWeightedLength(LONG_URL)).toBe(23);
    expect(xWeightedLength('https://a.fr')).toBe(23);
    expect(xWeightedLength(`Voir ${LONG_URL}`)).toBe(28);
  });
});

describe('Mastodon length', () => {
  it('counts any http(s) URL as 23', () => {
    expect(mastodonLength(LONG_URL)).toBe(23);
    expect(mastodonLength('https://a.fr')).toBe(23);
    expect(mastodonLength(`Voir ${LONG_URL} et http://example.org`)).toBe(5 + 23 + 4 + 23);
  });

  it('leaves a URL without scheme as typed', () => {
    expect(mastodonLength('example.com')).toBe(11);
  });

  it('counts a remote mention by its username only', () => {
    expect(mastodonCountableText('Merci @costo@mastodon.social !')).toBe('Merci @costo !');
    expect(mastodonLength('@costo@mastodon.social')).toBe(6);
    expect(mastodonLength('@costo')).toBe(6);
  });

  it('keeps the full stop after a remote mention', () => {
    expect(mastodonCountableText('Merci @costo@piaille.fr.')).toBe('Merci @costo.');
  });

  it('does not treat an e-mail address as a mention', () => {
    expect(mastodonCountableText('contact@costo.paris')).toBe('contact@costo.paris');
  });

  it('counts URLs with emoji around them correctly', () => {
    expect(mastodonCountableText(`😀 ${LONG_URL} 😀`)).toBe(`😀 ${'x'.repeat(23)} 😀`);
    expect(mastodonLength(`😀 ${LONG_URL} 😀`)).toBe(27);
  });

  it('counts emoji as code points', () => {
    expect(mastodonLength('😀')).toBe(1);
    expect(mastodonLength(FAMILY)).toBe(7);
  });
});

describe('textLength', () => {
  it('uses each network’s unit', () => {
    expect(textLength(`Hi ${FAMILY}`, 'x')).toEqual({ used: 5, unit: 'weighted' });
    expect(textLength(`Hi ${FAMILY}`, 'mastodon')).toEqual({ used: 10, unit: 'characters' });
    expect(textLength(`Hi ${FAMILY}`, 'bluesky')).toEqual({ used: 4, unit: 'graphemes' });
    expect(textLength(`Hi ${FAMILY}`, 'linkedin')).toEqual({ used: 10, unit: 'characters' });
  });

  it('counts URLs in full on Bluesky and character networks', () => {
    expect(textLength(LONG_URL, 'bluesky').used).toBe(100);
    expect(textLength(LONG_URL, 'facebook').used).toBe(100);
  });
});

describe('countHashtags', () => {
  it('counts every hashtag occurrence', () => {
    expect(countHashtags('#paris #commerce #Paris')).toBe(3);
    expect(countHashtags('#café #日本')).toBe(2);
  });

  it('ignores things that are not hashtags', () => {
    expect(countHashtags('n°#1, https://example.com/#top, C#, #2026')).toBe(0);
  });
});
