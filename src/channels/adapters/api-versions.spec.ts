import { graphBaseUrl, linkedInVersionStatus, linkedInVersionSunset, metaGraphVersionStatus } from './api-versions';

describe('network API versions', () => {
  const now = new Date('2026-12-07T12:00:00Z');

  it('dates a LinkedIn version\'s sunset in the middle of its month, a year on', () => {
    expect(linkedInVersionSunset('202511').toISOString().slice(0, 10)).toBe('2026-11-15');
    expect(linkedInVersionSunset('202607.01').toISOString().slice(0, 10)).toBe('2027-07-15');
  });

  it('says ok, ends soon or ended for LinkedIn, naming the variable to change', () => {
    expect(linkedInVersionStatus('202607', now)).toMatchObject({ state: 'ok' });
    expect(linkedInVersionStatus('202607', now).warning).toBeUndefined();
    const soon = linkedInVersionStatus('202601', now);
    expect(soon).toMatchObject({ state: 'ends_soon' });
    expect(soon.warning).toMatch(/2027-01-15.*LINKEDIN_API_VERSION/);
    const ended = linkedInVersionStatus('202505', now);
    expect(ended).toMatchObject({ state: 'ended' });
    expect(ended.warning).toMatch(/426/);
  });

  it('reads Meta Graph end-of-life dates from the changelog, older versions ended, unannounced ones ok', () => {
    expect(metaGraphVersionStatus('v20.0', now)).toMatchObject({ state: 'ended' });
    expect(metaGraphVersionStatus('v19.0', now)).toMatchObject({ state: 'ended' });
    expect(metaGraphVersionStatus('v21.0', now)).toMatchObject({ state: 'ends_soon' });
    expect(metaGraphVersionStatus('v21.0', now).warning).toMatch(/2027-01-21.*META_GRAPH_VERSION/);
    expect(metaGraphVersionStatus('v25.0', now)).toMatchObject({ state: 'ok' });
    expect(metaGraphVersionStatus('v26.0', now)).toMatchObject({ state: 'ok', endsAt: null });
  });

  it('puts the configured Graph version after the root, whatever version an old base URL carried', () => {
    expect(graphBaseUrl('https://graph.facebook.com', 'v25.0')).toBe('https://graph.facebook.com/v25.0');
    expect(graphBaseUrl('http://127.0.0.1:4000/v20.0/', 'v25.0')).toBe('http://127.0.0.1:4000/v25.0');
  });
});
