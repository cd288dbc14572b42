/**
 * LinkedIn's `commentary` is "little text" (learn.microsoft.com/linkedin/marketing/community-management/
 * shares/little-text-format): `@[Name](urn:li:organization:N)` is a mention, `#tag` a hashtag, and
 * every other reserved character must be backslash-escaped to stay plain text: unescaped, LinkedIn
 * cuts the post short at it without an error.
 */
const RESERVED_CLASS = '\\\\|{}@\\[\\]()<>#*_~';
const RESERVED = new RegExp(`[${RESERVED_CLASS}]`, 'gu');
const ESCAPED = new RegExp(`\\\\([${RESERVED_CLASS}])`, 'gu');

/**
 * The elements we keep as markup, in the form the composer writes them: a mention of a page or
 * a member (as resolved from `{{partner:slug}}`), and a hashtag (letters and digits after a `#`
 * that does not sit inside a word). A web address stays plain text, escaped, `#fragment` included.
 */
const ELEMENT = /(https?:\/\/\S+)|@\[([^\]\n]+)\]\((urn:li:(?:organization|person):[A-Za-z0-9_-]+)\)|(?<![\p{L}\p{N}_/&])#([\p{L}\p{N}]+)/gu;

function escapePlain(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

/** The approved text as little text: mentions and hashtags stay markup, everything else is escaped. */
export function escapeCommentary(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(ELEMENT)) {
    out += escapePlain(text.slice(last, m.index));
    if (m[1] !== undefined) out += escapePlain(m[1]);
    else if (m[3] !== undefined) out += `@[${escapePlain(m[2])}](${m[3]})`;
    else out += `#${m[4]}`;
    last = m.index! + m[0].length;
  }
  return out + escapePlain(text.slice(last));
}

/** Back to the text as written (escapes removed, mentions and hashtags kept in their source form). */
export function unescapeCommentary(text: string): string {
  return text.replace(ESCAPED, '$1');
}

/** Next midnight UTC after `now`: when LinkedIn's daily limits reset. */
export function nextMidnightUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}
