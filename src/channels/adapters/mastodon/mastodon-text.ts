/**
 * Mastodon returns a status's text only as rendered HTML (`content`). To recognise our own post in
 * the account's timeline we compare both sides reduced to a plain form: tags removed (the hidden
 * `https://` spans of shortened links keep their text), entities decoded, whitespace collapsed,
 * remote mentions shortened to `@user` as Mastodon renders them.
 */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/p>\s*<p>/gi, '\n\n')
      .replace(/<[^>]+>/g, ''),
  );
}

export function comparableText(text: string): string {
  return text
    .replace(/@([A-Za-z0-9_]+)@[A-Za-z0-9.-]+/g, '@$1')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_m, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' } as Record<string, string>)[lower];
  });
}

