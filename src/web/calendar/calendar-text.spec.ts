import { calendarFileName, oneLine } from './calendar-feed.service';

describe('calendar feed text', () => {
  it('names the file after the campaign, in plain ASCII', () => {
    expect(calendarFileName('CoSto Pack — Été 2026')).toBe('costo-pack-ete-2026.ics');
    expect(calendarFileName('« »')).toBe('campagne.ics');
  });

  it('cuts a long text between words, never inside one', () => {
    expect(oneLine('Court', 60)).toBe('Court');
    expect(oneLine('Avec Bastina et tout le quartier, une semaine de rencontres entre commerçants', 40)).toBe('Avec Bastina et tout le quartier, une…');
    expect(oneLine('x'.repeat(80), 10)).toBe('xxxxxxxxx…');
  });
});
