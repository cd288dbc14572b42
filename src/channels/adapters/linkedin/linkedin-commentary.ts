/**
 * LinkedIn's `commentary` is "little text": these characters are markup and must be
 * backslash-escaped, or the post can be cut short silently (WIRE-FORMATS.md §4.2).
 */
const RESERVED = /[\\<>#~_|[\]*(){}@]/g;

export function escapeCommentary(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

export function unescapeCommentary(text: string): string {
  return text.replace(/\\([\\<>#~_|[\]*(){}@])/g, '$1');
}

/** The text we send: the post's text, with its link appended when the text does not already carry it. */
export function textWithLink(text: string, link: string | null): string {
  if (!link || text.includes(link)) return text;
  return text ? `${text}\n\n${link}` : link;
}

/** Next midnight UTC after `now`: when LinkedIn's daily limits reset. */
export function nextMidnightUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}
