import { placeholderSlugs, resolvePlaceholders, type PartnerMention } from './placeholders';

const partners: PartnerMention[] = [
  {
    slug: 'petitscommerces',
    name: 'petitscommerces.fr',
    handles: {
      x: '@petitscommerces',
      mastodon: '@petitscommerces@piaille.fr',
      bluesky: '@petitscommerces.bsky.social',
    },
  },
  { slug: 'tudigo', name: 'Tudigo', handles: { x: '@Tudigo_fr', linkedin: '  ' } },
];

describe('resolvePlaceholders', () => {
  const text = 'Bravo {{partner:petitscommerces}} et {{partner:tudigo}} !';

  it('uses each partner’s handle on the target network', () => {
    expect(resolvePlaceholders(text, 'x', partners)).toEqual({
      text: 'Bravo @petitscommerces et @Tudigo_fr !',
      unknownSlugs: [],
    });
    expect(resolvePlaceholders(text, 'mastodon', partners).text).toBe(
      'Bravo @petitscommerces@piaille.fr et Tudigo !',
    );
    expect(resolvePlaceholders(text, 'bluesky', partners).text).toBe('Bravo @petitscommerces.bsky.social et Tudigo !');
  });

  it('falls back to the display name where the partner has no account (or a blank handle)', () => {
    expect(resolvePlaceholders(text, 'facebook', partners).text).toBe('Bravo petitscommerces.fr et Tudigo !');
    expect(resolvePlaceholders(text, 'linkedin', partners).text).toBe('Bravo petitscommerces.fr et Tudigo !');
  });

  it('resolves every occurrence, and tolerates spaces inside the braces', () => {
    expect(resolvePlaceholders('{{partner:tudigo}} {{ partner: tudigo }}', 'x', partners).text).toBe(
      '@Tudigo_fr @Tudigo_fr',
    );
  });

  it('reports unknown slugs once each and leaves them as typed', () => {
    const result = resolvePlaceholders('{{partner:nope}} {{partner:tudigo}} {{partner:nope}} {{partner:}}', 'x', partners);
    expect(result.unknownSlugs).toEqual(['nope', '']);
    expect(result.text).toBe('{{partner:nope}} @Tudigo_fr {{partner:nope}} {{partner:}}');
  });

  it('matches slugs exactly', () => {
    expect(resolvePlaceholders('{{partner:Tudigo}}', 'x', partners).unknownSlugs).toEqual(['Tudigo']);
  });

  it('leaves text without placeholders alone, including other braces', () => {
    expect(resolvePlaceholders('Hello {{name}} {partner:tudigo}', 'x', partners)).toEqual({
      text: 'Hello {{name}} {partner:tudigo}',
      unknownSlugs: [],
    });
  });
});

describe('placeholderSlugs', () => {
  it('lists the named slugs once each, in order', () => {
    expect(placeholderSlugs('{{partner:b}} {{partner:a}} {{partner:b}}')).toEqual(['b', 'a']);
    expect(placeholderSlugs('none')).toEqual([]);
  });
});
