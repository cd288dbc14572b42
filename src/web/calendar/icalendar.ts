/**
 * A small iCalendar (RFC 5545) writer for the campaign feed: CRLF line ends, lines folded at
 * 75 octets without splitting a UTF-8 character, TEXT values escaped, times in UTC ("Z") so no
 * VTIMEZONE is needed and every calendar shows them in its user's own zone.
 */
export interface IcsEvent {
  uid: string;
  start: Date;
  /** Length of the event; posts are instants, shown as a short slot. */
  durationMinutes: number;
  summary: string;
  description?: string;
  url?: string;
  categories?: string[];
  status?: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  /** Bumped when the event changes (the post version). */
  sequence?: number;
  lastModified?: Date;
}

export interface IcsCalendar {
  name: string;
  description?: string;
  /** Shown to calendar apps as the feed's zone (the events themselves are in UTC). */
  timeZone?: string;
  events: IcsEvent[];
  /** DTSTAMP of every event: when this feed was generated. */
  generatedAt: Date;
}

const CRLF = '\r\n';

/** TEXT escaping of RFC 5545 §3.3.11. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** '20260312T083000Z'. */
export function formatUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Folds a content line at 75 octets (§3.1); continuation lines start with one space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let currentBytes = 0;
  let limit = 75;
  for (const char of line) {
    const bytes = Buffer.byteLength(char, 'utf8');
    if (currentBytes + bytes > limit) {
      out.push(current);
      current = ' ';
      currentBytes = 1;
      limit = 75;
    }
    current += char;
    currentBytes += bytes;
  }
  out.push(current);
  return out.join(CRLF);
}

export function renderCalendar(calendar: IcsCalendar): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Chorus//Campaign calendar//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
  ];
  if (calendar.description) lines.push(`X-WR-CALDESC:${escapeText(calendar.description)}`);
  if (calendar.timeZone) lines.push(`X-WR-TIMEZONE:${escapeText(calendar.timeZone)}`);
  const stamp = formatUtc(calendar.generatedAt);
  for (const event of calendar.events) {
    lines.push('BEGIN:VEVENT');
    lines.push(`UID:${escapeText(event.uid)}`);
    lines.push(`DTSTAMP:${stamp}`);
    lines.push(`DTSTART:${formatUtc(event.start)}`);
    lines.push(`DURATION:PT${Math.max(1, Math.round(event.durationMinutes))}M`);
    lines.push(`SUMMARY:${escapeText(event.summary)}`);
    if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
    // URL is a URI value, not TEXT: not escaped, but it must not carry a line break.
    if (event.url) lines.push(`URL:${event.url.replace(/[\r\n]/g, '')}`);
    if (event.categories?.length) lines.push(`CATEGORIES:${event.categories.map(escapeText).join(',')}`);
    if (event.status) lines.push(`STATUS:${event.status}`);
    if (event.sequence !== undefined) lines.push(`SEQUENCE:${event.sequence}`);
    if (event.lastModified) lines.push(`LAST-MODIFIED:${formatUtc(event.lastModified)}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
