import { redactUrl } from './logging.module';

describe('redactUrl', () => {
  it('hides approval-link tokens, calendar feed keys and token-like query values, keeping the shape', () => {
    expect(redactUrl('/approve/eyJhbGciOi.abc.def')).toBe('/approve/[redacted]');
    expect(redactUrl('/api/approval-links/eyJ.x.y')).toBe('/api/approval-links/[redacted]');
    expect(redactUrl('/api/approval-links/eyJ.x.y?lang=fr')).toBe('/api/approval-links/[redacted]?lang=fr');
    expect(redactUrl('/feeds/campaigns/0b7c/SeCrEtKeY/calendar.ics')).toBe('/feeds/campaigns/0b7c/[redacted]/calendar.ics');
    expect(redactUrl('/feeds/calendar/SeCrEtKeY/calendar.ics')).toBe('/feeds/calendar/[redacted]/calendar.ics');
    expect(redactUrl('/invite?token=abc&x=1')).toBe('/invite?token=[redacted]&x=1');
    expect(redactUrl('/api/campaigns/1/indicators?from=2026-01-01')).toBe('/api/campaigns/1/indicators?from=2026-01-01');
  });
});
