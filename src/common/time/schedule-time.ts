import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';

export type ScheduleInputErrorCode =
  | 'invalid_datetime'
  | 'invalid_time_zone'
  | 'nonexistent_local_time'
  | 'ambiguous_local_time'
  | 'time_in_past';

export type ScheduleInputResult =
  | { ok: true; instant: Date }
  | { ok: false; code: ScheduleInputErrorCode; message: string; details: Record<string, unknown> };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** True for an IANA time zone name the runtime knows ('Europe/Paris', 'UTC'). */
export function isValidTimeZone(timeZone: string): boolean {
  return typeof timeZone === 'string' && timeZone.trim() !== '' && IANAZone.isValidZone(timeZone);
}

/** The instant as the wall clock of `timeZone` shows it, with its offset: '2026-12-01T10:00:00+01:00'. */
export function formatInZone(instant: Date, timeZone: string): string {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${timeZone}`);
  const iso = DateTime.fromJSDate(instant, { zone: timeZone }).toISO({ suppressMilliseconds: true });
  if (iso === null) throw new RangeError('Invalid date');
  // Luxon writes 'Z' for the UTC zone; we always show the offset.
  return iso.endsWith('Z') ? `${iso.slice(0, -1)}+00:00` : iso;
}

// YYYY-MM-DDTHH:mm[:ss[.fraction]][Z|±HH:mm|±HHmm]. A space may stand for the 'T' (RFC 3339).
const SCHEDULE_INPUT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * Reads a schedule time typed by a person or sent by a client.
 *
 * - With `Z` or an offset, it is that instant (whatever `timeZone` is).
 * - Without, it is a wall-clock time in `timeZone`; a time the clock skips (spring forward)
 *   or shows twice (fall back) is refused, the latter with both instants so the caller can
 *   resend one with its offset.
 * - The instant must not be before `now`.
 *
 * Checks run in that order: time zone, syntax, existence, ambiguity, past.
 */
export function parseScheduleInput(input: string, timeZone: string, now: Date): ScheduleInputResult {
  if (!isValidTimeZone(timeZone)) {
    return fail('invalid_time_zone', `"${timeZone}" is not a known time zone; use a name such as Europe/Paris.`, {
      timeZone,
    });
  }
  const text = typeof input === 'string' ? input.trim() : '';
  const match = SCHEDULE_INPUT.exec(text);
  const invalid = (): ScheduleInputResult =>
    fail(
      'invalid_datetime',
      `"${String(input)}" is not a date and time; write it like 2026-12-01T10:00 (campaign time) or 2026-12-01T10:00:00+01:00.`,
      { input },
    );
  if (!match) return invalid();

  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const wall: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: second === undefined ? 0 : Number(second),
    millisecond: fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0')),
  };
  // Luxon would roll 24:00 over to the next day; a person typing it most likely made a mistake.
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) return invalid();

  let instant: Date;
  if (zulu !== undefined || sign !== undefined) {
    const offset = zulu !== undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
    if (Number(offsetMinutes) > 59 || Math.abs(offset) > 18 * 60) return invalid();
    const dateTime = DateTime.fromObject(wall, { zone: FixedOffsetZone.instance(offset) });
    if (!dateTime.isValid) return invalid(); // 30 February and the like
    instant = dateTime.toJSDate();
  } else {
    if (!DateTime.fromObject(wall, { zone: 'UTC' }).isValid) return invalid();
    const local = resolveWallClock(wall, timeZone, text);
    if (!local.ok) return local;
    instant = local.instant;
  }

  if (instant.getTime() < now.getTime()) {
    return fail(
      'time_in_past',
      `${formatInZone(instant, timeZone)} (${timeZone}) is in the past; it is now ${formatInZone(now, timeZone)}. Pick a later time.`,
      { input, instant: instant.toISOString(), now: now.toISOString(), timeZone },
    );
  }
  return { ok: true, instant };
}

/**
 * Every instant whose wall clock in `zone` reads `wall`: none in a spring-forward gap, two
 * in a fall-back overlap, one otherwise. Each offset the zone uses within 15 hours of the
 * wall time (offsets stay within ±14 h) is tried, and kept when the zone really uses it then.
 */
function instantsForWallClock(wall: WallClock, zone: IANAZone): number[] {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  const offsets = new Set<number>();
  for (let hours = -15; hours <= 15; hours++) offsets.add(zone.offset(asUtc + hours * HOUR));
  const instants: number[] = [];
  for (const offset of offsets) {
    const candidate = asUtc - offset * MINUTE;
    if (zone.offset(candidate) === offset) instants.push(candidate);
  }
  return instants.sort((a, b) => a - b);
}

function resolveWallClock(
  wall: WallClock,
  timeZone: string,
  input: string,
): { ok: true; instant: Date } | Extract<ScheduleInputResult, { ok: false }> {
  const zone = IANAZone.create(timeZone);
  const instants = instantsForWallClock(wall, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  const date = input.slice(0, 10);
  const time = input.slice(11, 16);

  if (instants.length === 0) {
    // The clock jumped over this wall time: find the jump around it to say where it happens.
    const jump = transitionNear(zone, asUtc);
    const clocks = jump ? transitionClocks(jump, timeZone) : undefined;
    const why = clocks ? ` the clock jumps from ${clocks.from} to ${clocks.to} that day, so` : '';
    return fail('nonexistent_local_time', `On ${date} in ${timeZone}${why} ${time} does not exist. Pick another time.`, {
      input,
      timeZone,
      ...(clocks ? { jumpsFrom: clocks.from, jumpsTo: clocks.to } : {}),
    });
  }
  if (instants.length > 1) {
    const candidates = instants.map((instant) => formatInZone(new Date(instant), timeZone));
    const jump = transitionNear(zone, asUtc);
    const clocks = jump ? transitionClocks(jump, timeZone) : undefined;
    const back = clocks ? ` (the clock goes back from ${clocks.from} to ${clocks.to} that day)` : '';
    const choices =
      candidates.length === 2 ? `${candidates[0]} (first) or ${candidates[1]} (second)` : candidates.join(', ');
    return fail(
      'ambiguous_local_time',
      `${date} ${time} happens twice in ${timeZone}${back}. Add the offset to say which: ${choices}.`,
      { input, timeZone, candidates, instants: instants.map((instant) => new Date(instant).toISOString()) },
    );
  }
  return { ok: true, instant: new Date(instants[0] as number) };
}

/** The first offset change within 15 hours either side of `around`, found to the millisecond. */
function transitionNear(zone: IANAZone, around: number): { at: number; before: number } | undefined {
  for (let hours = -15; hours < 15; hours++) {
    let low = around + hours * HOUR;
    let high = low + HOUR;
    const before = zone.offset(low);
    if (zone.offset(high) === before) continue;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (zone.offset(middle) === before) low = middle;
      else high = middle;
    }
    return { at: high, before };
  }
  return undefined;
}

/** 'HH:mm' on the clock of the transition's old offset and of its new one, at the transition. */
function transitionClocks(jump: { at: number; before: number }, timeZone: string): { from: string; to: string } {
  return {
    from: DateTime.fromMillis(jump.at, { zone: FixedOffsetZone.instance(jump.before) }).toFormat('HH:mm'),
    to: DateTime.fromMillis(jump.at, { zone: timeZone }).toFormat('HH:mm'),
  };
}

function fail(
  code: ScheduleInputErrorCode,
  message: string,
  details: Record<string, unknown>,
): Extract<ScheduleInputResult, { ok: false }> {
  return { ok: false, code, message, details };
}
