/**
 * Calendar arithmetic in a named time zone (Europe/Paris by default) with Intl only: instants
 * come from the API as ISO strings; days are handled as 'YYYY-MM-DD' keys in that zone.
 */
export const DISPLAY_ZONE = 'Europe/Paris';

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

export function zonedParts(instant: Date | string, zone = DISPLAY_ZONE): ZonedParts {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const out: Record<string, number> = {};
  for (const p of partsFormatter(zone).formatToParts(date)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute! };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' of the instant in the zone. */
export function dayKey(instant: Date | string, zone = DISPLAY_ZONE): string {
  const p = zonedParts(instant, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** 'YYYY-MM-DDTHH:mm' of the instant in the zone: the value of a datetime-local input. */
export function localInputValue(instant: Date | string, zone = DISPLAY_ZONE): string {
  const p = zonedParts(instant, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Day keys as UTC dates, so adding days never meets a DST change. */
export function keyToDate(key: string): Date {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}
export function dateToKey(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}
export function addDays(key: string, days: number): string {
  const d = keyToDate(key);
  d.setUTCDate(d.getUTCDate() + days);
  return dateToKey(d);
}
/** Monday of the key's week (weeks start on Monday in France). */
export function startOfWeek(key: string): string {
  const dow = (keyToDate(key).getUTCDay() + 6) % 7;
  return addDays(key, -dow);
}
export function startOfMonth(key: string): string {
  return key.slice(0, 8) + '01';
}
export function addMonths(key: string, months: number): string {
  const d = keyToDate(startOfMonth(key));
  d.setUTCMonth(d.getUTCMonth() + months);
  return dateToKey(d);
}

/**
 * The UTC instant of a wall-clock time in a zone ('2026-03-29T02:30' in Paris does not exist
 * and moves forward, like the API does).
 */
export function zonedToInstant(local: string, zone = DISPLAY_ZONE): Date {
  const [datePart, timePart = '00:00'] = local.split('T');
  const [y, m, d] = datePart!.split('-').map(Number);
  const [hh, mm] = timePart.split(':').map(Number);
  const asUtc = Date.UTC(y!, m! - 1, d!, hh!, mm!);
  // Two passes of "what does the zone show at this instant" settle the offset, DST included.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(new Date(guess), zone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    guess += asUtc - shown;
  }
  return new Date(guess);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The zone's offset from UTC at that instant, in minutes (Paris: 60 in winter, 120 in summer). */
export function offsetMinutes(instant: number, zone = DISPLAY_ZONE): number {
  const p = zonedParts(new Date(instant), zone);
  return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(instant / MINUTE) * MINUTE) / MINUTE);
}

/**
 * Every instant a wall-clock time ('YYYY-MM-DDTHH:mm') names in the zone, as the API reads it
 * (src/common/time/schedule-time.ts): none in the spring-forward gap, two in the fall-back
 * hour, one otherwise. Each offset the zone uses within 15 hours is tried.
 */
export function instantsForLocal(local: string, zone = DISPLAY_ZONE): Date[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return [];
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offsets = new Set<number>();
  for (let h = -15; h <= 15; h += 3) offsets.add(offsetMinutes(asUtc + h * HOUR, zone));
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = asUtc - offset * MINUTE;
    if (offsetMinutes(candidate, zone) === offset) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/** '2026-10-25T02:30:00+02:00': the wall time with the offset that picks one of its instants. */
export function withOffset(local: string, instant: Date, zone = DISPLAY_ZONE): string {
  const offset = offsetMinutes(instant.getTime(), zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** 'UTC+2' for an offset in minutes. */
export function offsetLabel(offset: number): string {
  const sign = offset < 0 ? '−' : '+';
  const abs = Math.abs(offset);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}
