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
