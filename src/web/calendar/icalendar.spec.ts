import { escapeText, foldLine, formatUtc, renderCalendar } from './icalendar';

describe('iCalendar writer (RFC 5545)', () => {
  it('escapes TEXT values: backslash, semicolon, comma and line breaks', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('writes UTC times in the basic format with Z', () => {
    expect(formatUtc(new Date('2026-03-12T08:30:05.123Z'))).toBe('20260312T083005Z');
  });

  it('folds lines at 75 octets without splitting a UTF-8 character', () => {
    const line = 'SUMMARY:' + 'é'.repeat(80); // 2 bytes each
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBeGreaterThan(1);
    for (const part of folded) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    for (const part of folded.slice(1)) expect(part.startsWith(' ')).toBe(true);
    expect(folded.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
  });

  it('renders a calendar with CRLF line ends, required properties and one VEVENT per event', () => {
    const ics = renderCalendar({
      name: 'Chorus · CoSto Pack',
      timeZone: 'Europe/Paris',
      generatedAt: new Date('2026-03-01T10:00:00Z'),
      events: [
        {
          uid: 'post-1@chorus.test',
          start: new Date('2026-03-12T08:30:00Z'),
          durationMinutes: 15,
          summary: 'Post : Bonjour, le 18e ; à bientôt',
          url: 'https://chorus.test/app/posts/1',
          categories: ['Post', 'Tourisme, 18e'],
          status: 'TENTATIVE',
          sequence: 2,
        },
      ],
    });
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').every((l) => !l.includes('\n'))).toBe(true);
    const lines = ics.split('\r\n');
    expect(lines.slice(0, 3)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Chorus//Campaign calendar//FR']);
    expect(lines).toEqual(
      expect.arrayContaining([
        'BEGIN:VEVENT',
        'UID:post-1@chorus.test',
        'DTSTAMP:20260301T100000Z',
        'DTSTART:20260312T083000Z',
        'DURATION:PT15M',
        'SUMMARY:Post : Bonjour\\, le 18e \\; à bientôt',
        'CATEGORIES:Post,Tourisme\\, 18e',
        'STATUS:TENTATIVE',
        'SEQUENCE:2',
        'END:VEVENT',
      ]),
    );
  });
});
