import { DateTime } from 'luxon';
import { DomainError } from '../common/errors/domain-error';

/** The time window an indicator covers, with how its ends were chosen (reported with every figure). */
export interface AnalyticsWindow {
  from: Date;
  to: Date;
  /** First and last calendar day of the window in the campaign's time zone (for per-day counters). */
  firstDay: string;
  lastDay: string;
  source: 'campaign' | 'request';
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Longest window a request may ask for (25 years): figures are per day, so this bounds every
 * answer's size and cost, while "since the start of our network" still fits.
 */
export const MAX_WINDOW_DAYS = 25 * 366;

/**
 * Reads `from`/`to` query values: an ISO instant with offset, or a date `YYYY-MM-DD` meaning that
 * day in the campaign's zone (`from` = its midnight, `to` = the next midnight, so `to=2026-03-31`
 * covers the whole of 31 March). Missing ends default to the campaign's window.
 */
export function resolveWindow(
  campaign: { startsAt: Date; endsAt: Date; timeZone: string },
  query: { from?: string; to?: string },
): AnalyticsWindow {
  const from = query.from ? parseEnd('from', query.from, campaign.timeZone) : campaign.startsAt;
  const to = query.to ? parseEnd('to', query.to, campaign.timeZone) : campaign.endsAt;
  if (!(to > from)) throw DomainError.validation('The window must end after it starts.', { from: query.from, to: query.to });
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    throw DomainError.validation(`The window may cover at most ${MAX_WINDOW_DAYS} days; ask for a shorter one.`, { from: from.toISOString(), to: to.toISOString(), maxDays: MAX_WINDOW_DAYS });
  }
  return {
    from,
    to,
    firstDay: localDay(from, campaign.timeZone),
    // The last instant inside the window is just before `to` (a window ending at midnight does not include the next day).
    lastDay: localDay(new Date(to.getTime() - 1), campaign.timeZone),
    source: query.from || query.to ? 'request' : 'campaign',
  };
}

export function localDay(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate()!;
}

function parseEnd(field: 'from' | 'to', value: string, timeZone: string): Date {
  if (DATE_ONLY.test(value)) {
    const day = DateTime.fromISO(value, { zone: timeZone });
    if (!day.isValid) throw DomainError.validation(`${field}: "${value}" is not a date.`, { field });
    return (field === 'from' ? day.startOf('day') : day.plus({ days: 1 }).startOf('day')).toJSDate();
  }
  const instant = DateTime.fromISO(value, { setZone: true });
  if (!instant.isValid || !/([zZ]|[+-]\d{2}:?\d{2})$/.test(value)) {
    throw DomainError.validation(`${field}: give a date (YYYY-MM-DD) or an ISO instant with its offset, e.g. 2026-03-01T00:00:00+01:00.`, { field, value });
  }
  return instant.toJSDate();
}
