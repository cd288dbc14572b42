import { DomainError } from '../common/errors/domain-error';
import { resolveWindow } from './analytics-window';

const campaign = {
  startsAt: new Date('2026-03-01T00:00:00+01:00'),
  endsAt: new Date('2026-04-01T00:00:00+02:00'),
  timeZone: 'Europe/Paris',
};

describe('resolveWindow', () => {
  it("defaults to the campaign's window and names its Paris days", () => {
    const w = resolveWindow(campaign, {});
    expect(w).toMatchObject({ from: campaign.startsAt, to: campaign.endsAt, firstDay: '2026-03-01', lastDay: '2026-03-31', source: 'campaign' });
  });

  it('reads dates as whole days in the campaign zone, across the DST change', () => {
    const w = resolveWindow(campaign, { from: '2026-03-29', to: '2026-03-29' });
    expect(w.from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    // 29 March 2026 is 23 hours long in Paris.
    expect(w.to.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect([w.firstDay, w.lastDay]).toEqual(['2026-03-29', '2026-03-29']);
  });

  it('takes instants with offsets as given and refuses ones without', () => {
    const w = resolveWindow(campaign, { from: '2026-03-10T12:00:00Z' });
    expect(w.from.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(() => resolveWindow(campaign, { from: '2026-03-10T12:00:00' })).toThrow(DomainError);
    expect(() => resolveWindow(campaign, { from: '2026-03-10', to: '2026-03-09' })).toThrow(/end after/);
  });

  it('refuses windows longer than the cap, however their ends are written', () => {
    expect(() => resolveWindow(campaign, { from: '0000-01-01', to: '9999-12-31' })).toThrow(/at most \d+ days/);
    expect(() => resolveWindow(campaign, { from: '1990-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toThrow(/at most \d+ days/);
    expect(resolveWindow(campaign, { from: '2020-01-01', to: '2040-12-31' }).lastDay).toBe('2040-12-31');
  });
});
