import { formatInZone, isValidTimeZone, parseScheduleInput, type ScheduleInputResult } from './schedule-time';

const PARIS = 'Europe/Paris';
const NEW_YORK = 'America/New_York';
const NOW = new Date('2026-01-15T12:00:00Z');

function instantOf(result: ScheduleInputResult): string {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.instant.toISOString();
}

describe('parseScheduleInput', () => {
  describe('local times in the campaign time zone', () => {
    it('reads a winter time in Paris (UTC+1)', () => {
      expect(instantOf(parseScheduleInput('2026-12-01T10:00', PARIS, NOW))).toBe('2026-12-01T09:00:00.000Z');
    });

    it('reads a summer time in Paris (UTC+2)', () => {
      expect(instantOf(parseScheduleInput('2026-07-14T10:00', PARIS, NOW))).toBe('2026-07-14T08:00:00.000Z');
    });

    it('accepts seconds and fractions of a second', () => {
      expect(instantOf(parseScheduleInput('2026-12-01T10:00:30', PARIS, NOW))).toBe('2026-12-01T09:00:30.000Z');
      expect(instantOf(parseScheduleInput('2026-12-01T10:00:30.25', PARIS, NOW))).toBe('2026-12-01T09:00:30.250Z');
    });

    it('accepts a space instead of the T, and surrounding spaces', () => {
      expect(instantOf(parseScheduleInput(' 2026-12-01 10:00 ', PARIS, NOW))).toBe('2026-12-01T09:00:00.000Z');
    });

    it('reads the same wall time differently in another zone', () => {
      expect(instantOf(parseScheduleInput('2026-12-01T10:00', NEW_YORK, NOW))).toBe('2026-12-01T15:00:00.000Z');
      expect(instantOf(parseScheduleInput('2026-12-01T10:00', 'UTC', NOW))).toBe('2026-12-01T10:00:00.000Z');
    });
  });

  describe('instants with an offset', () => {
    it('takes Z as UTC, whatever the campaign zone', () => {
      expect(instantOf(parseScheduleInput('2026-12-01T10:00:00Z', PARIS, NOW))).toBe('2026-12-01T10:00:00.000Z');
      expect(instantOf(parseScheduleInput('2026-12-01T10:00Z', NEW_YORK, NOW))).toBe('2026-12-01T10:00:00.000Z');
    });

    it('takes an explicit offset as given', () => {
      expect(instantOf(parseScheduleInput('2026-12-01T10:00:00+01:00', PARIS, NOW))).toBe('2026-12-01T09:00:00.000Z');
      expect(instantOf(parseScheduleInput('2026-12-01T10:00:00-05:00', PARIS, NOW))).toBe('2026-12-01T15:00:00.000Z');
      expect(instantOf(parseScheduleInput('2026-12-01T10:00+0530', PARIS, NOW))).toBe('2026-12-01T04:30:00.000Z');
    });

    it('accepts what Date#toISOString produces', () => {
      expect(instantOf(parseScheduleInput('2026-12-01T09:00:00.000Z', PARIS, NOW))).toBe('2026-12-01T09:00:00.000Z');
    });

    it('does not check an explicit offset against the campaign zone', () => {
      // +05:00 is no Paris offset, but the instant is unambiguous.
      expect(instantOf(parseScheduleInput('2026-12-01T10:00+05:00', PARIS, NOW))).toBe('2026-12-01T05:00:00.000Z');
    });
  });

  describe('spring forward: a wall time that does not exist', () => {
    it.each([
      ['2026-03-29T02:30', '2026-03-29'],
      ['2027-03-28T02:30', '2027-03-28'],
      ['2027-03-28T02:00', '2027-03-28'],
      ['2027-03-28T02:59:59', '2027-03-28'],
    ])('refuses %s in Paris', (input, date) => {
      const result = parseScheduleInput(input, PARIS, NOW);
      expect(result).toMatchObject({
        ok: false,
        code: 'nonexistent_local_time',
        details: { input, timeZone: PARIS, jumpsFrom: '02:00', jumpsTo: '03:00' },
      });
      if (result.ok) return;
      expect(result.message).toContain(`On ${date} in Europe/Paris the clock jumps from 02:00 to 03:00 that day`);
      expect(result.message).toContain('Pick another time.');
    });

    it('accepts the minutes either side of the gap', () => {
      expect(instantOf(parseScheduleInput('2027-03-28T01:59', PARIS, NOW))).toBe('2027-03-28T00:59:00.000Z');
      expect(instantOf(parseScheduleInput('2027-03-28T03:00', PARIS, NOW))).toBe('2027-03-28T01:00:00.000Z');
    });

    it('accepts the gap time with an explicit offset', () => {
      expect(instantOf(parseScheduleInput('2027-03-28T02:30+01:00', PARIS, NOW))).toBe('2027-03-28T01:30:00.000Z');
    });

    it('refuses 02:30 on the New York spring-forward day', () => {
      const result = parseScheduleInput('2026-03-08T02:30', NEW_YORK, NOW);
      expect(result).toMatchObject({
        ok: false,
        code: 'nonexistent_local_time',
        details: { jumpsFrom: '02:00', jumpsTo: '03:00' },
      });
    });

    it('describes a half-hour jump (Lord Howe Island)', () => {
      const result = parseScheduleInput('2026-10-04T02:15', 'Australia/Lord_Howe', NOW);
      expect(result).toMatchObject({ ok: false, code: 'nonexistent_local_time', details: { jumpsFrom: '02:00', jumpsTo: '02:30' } });
    });
  });

  describe('fall back: a wall time that happens twice', () => {
    it.each([
      ['2026-10-25T02:30', ['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00']],
      ['2027-10-31T02:30', ['2027-10-31T02:30:00+02:00', '2027-10-31T02:30:00+01:00']],
      ['2027-10-31T02:00', ['2027-10-31T02:00:00+02:00', '2027-10-31T02:00:00+01:00']],
    ])('refuses %s in Paris with both instants', (input, candidates) => {
      const result = parseScheduleInput(input, PARIS, NOW);
      expect(result).toMatchObject({ ok: false, code: 'ambiguous_local_time', details: { input, timeZone: PARIS, candidates } });
      if (result.ok) return;
      expect(result.message).toContain('happens twice in Europe/Paris');
      expect(result.message).toContain('the clock goes back from 03:00 to 02:00');
      expect(result.message).toContain('Add the offset');
      for (const candidate of candidates) expect(result.message).toContain(candidate);
    });

    it('gives the candidates as UTC instants too', () => {
      expect(parseScheduleInput('2027-10-31T02:30', PARIS, NOW)).toMatchObject({
        details: { instants: ['2027-10-31T00:30:00.000Z', '2027-10-31T01:30:00.000Z'] },
      });
    });

    it('accepts each candidate once the offset is given', () => {
      expect(instantOf(parseScheduleInput('2027-10-31T02:30:00+02:00', PARIS, NOW))).toBe('2027-10-31T00:30:00.000Z');
      expect(instantOf(parseScheduleInput('2027-10-31T02:30:00+01:00', PARIS, NOW))).toBe('2027-10-31T01:30:00.000Z');
    });

    it('accepts the minutes either side of the overlap', () => {
      expect(instantOf(parseScheduleInput('2027-10-31T01:59', PARIS, NOW))).toBe('2027-10-30T23:59:00.000Z');
      expect(instantOf(parseScheduleInput('2027-10-31T03:00', PARIS, NOW))).toBe('2027-10-31T02:00:00.000Z');
    });

    it('refuses 01:30 on the New York fall-back day', () => {
      expect(parseScheduleInput('2026-11-01T01:30', NEW_YORK, NOW)).toMatchObject({
        ok: false,
        code: 'ambiguous_local_time',
        details: { candidates: ['2026-11-01T01:30:00-04:00', '2026-11-01T01:30:00-05:00'] },
      });
    });
  });

  describe('the past', () => {
    it('refuses an instant before now', () => {
      const result = parseScheduleInput('2026-01-15T12:59', PARIS, NOW); // 11:59Z
      expect(result).toMatchObject({
        ok: false,
        code: 'time_in_past',
        details: { instant: '2026-01-15T11:59:00.000Z', now: '2026-01-15T12:00:00.000Z' },
      });
      if (result.ok) return;
      expect(result.message).toBe(
        '2026-01-15T12:59:00+01:00 (Europe/Paris) is in the past; it is now 2026-01-15T13:00:00+01:00. Pick a later time.',
      );
    });

    it('accepts exactly now', () => {
      expect(instantOf(parseScheduleInput('2026-01-15T12:00:00Z', PARIS, NOW))).toBe(NOW.toISOString());
      expect(parseScheduleInput('2026-01-15T11:59:59.999Z', PARIS, NOW)).toMatchObject({ ok: false, code: 'time_in_past' });
    });
  });

  describe('malformed input', () => {
    it.each([
      '',
      'tomorrow at ten',
      '2026-12-01',
      '10:00',
      '2026-12-01T10',
      '2026-12-1T10:00',
      '01/12/2026 10:00',
      '2026-13-01T10:00',
      '2026-02-29T10:00', // 2026 is not a leap year
      '2026-02-29T10:00Z',
      '2026-12-01T24:00',
      '2026-12-01T10:60',
      '2026-12-01T10:00:60',
      '2026-12-01T10:00+25:00',
      '2026-12-01T10:00+01:75',
      '2026-12-01T10:00:00+01:00[Europe/Paris]',
      '1764579600000',
    ])('refuses %j', (input) => {
      const result = parseScheduleInput(input, PARIS, NOW);
      expect(result).toMatchObject({ ok: false, code: 'invalid_datetime', details: { input } });
      if (result.ok) return;
      expect(result.message).toContain('2026-12-01T10:00');
    });

    it('accepts 29 February of a leap year', () => {
      expect(instantOf(parseScheduleInput('2028-02-29T10:00', PARIS, NOW))).toBe('2028-02-29T09:00:00.000Z');
    });
  });

  describe('time zone', () => {
    it.each(['Mars/Olympus_Mons', '', 'Paris', '+01:00'])('refuses %j', (timeZone) => {
      expect(parseScheduleInput('2026-12-01T10:00', timeZone, NOW)).toMatchObject({
        ok: false,
        code: 'invalid_time_zone',
        details: { timeZone },
      });
    });

    it('is checked before the input', () => {
      expect(parseScheduleInput('nonsense', 'Nowhere/Land', NOW)).toMatchObject({ code: 'invalid_time_zone' });
    });
  });
});

describe('formatInZone', () => {
  it('shows the local time with its offset', () => {
    expect(formatInZone(new Date('2026-12-01T09:00:00Z'), PARIS)).toBe('2026-12-01T10:00:00+01:00');
    expect(formatInZone(new Date('2026-07-14T08:00:00Z'), PARIS)).toBe('2026-07-14T10:00:00+02:00');
    expect(formatInZone(new Date('2026-12-01T15:00:00Z'), NEW_YORK)).toBe('2026-12-01T10:00:00-05:00');
  });

  it('writes +00:00 rather than Z for UTC', () => {
    expect(formatInZone(new Date('2026-12-01T09:00:00Z'), 'UTC')).toBe('2026-12-01T09:00:00+00:00');
  });

  it('keeps milliseconds only when there are some', () => {
    expect(formatInZone(new Date('2026-12-01T09:00:00.250Z'), PARIS)).toBe('2026-12-01T10:00:00.250+01:00');
  });

  it('tells apart the two instants of a fall-back hour', () => {
    expect(formatInZone(new Date('2027-10-31T00:30:00Z'), PARIS)).toBe('2027-10-31T02:30:00+02:00');
    expect(formatInZone(new Date('2027-10-31T01:30:00Z'), PARIS)).toBe('2027-10-31T02:30:00+01:00');
  });

  it('round-trips with parseScheduleInput', () => {
    const instant = new Date('2026-06-01T16:45:00Z');
    expect(instantOf(parseScheduleInput(formatInZone(instant, PARIS), PARIS, NOW))).toBe(instant.toISOString());
  });

  it('throws on an unknown zone or an invalid date', () => {
    expect(() => formatInZone(new Date(), 'Nowhere/Land')).toThrow(RangeError);
    expect(() => formatInZone(new Date(Number.NaN), PARIS)).toThrow(RangeError);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Paris', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Nowhere/Land', false],
    ['', false],
    ['   ', false],
  ])('%j → %s', (timeZone, expected) => {
    expect(isValidTimeZone(timeZone)).toBe(expected);
  });
});
