import { createTestApp, TestApp } from '../support/test-app';
import { AnalyticsWorld, createAnalyticsWorld, insertSnapshots, linear, series } from '../support/analytics-fixtures';

// Baseline January–February 2025, campaign March 2025 (Paris time; DST starts on 30 March).
const BASELINE_START = '2025-01-01T00:00:00+01:00';
const START = '2025-03-01T00:00:00+01:00';
const END = '2025-03-31T00:00:00+02:00';
const WINDOW_DAYS = (Date.parse(END) - Date.parse(START)) / 86_400_000; // 29 days 23 hours

type Channel = {
  channelId: string;
  dataStatus: string;
  startFollowers: number | null;
  startMeasuredAt: string | null;
  startBasis: string | null;
  endFollowers: number | null;
  endMeasuredAt: string | null;
  newFollowers: number | null;
  growthPct: number | null;
  baseline: { points: number; slopePerDay: number | null };
  expectedGrowth: number | null;
  lift: number | null;
  failedPolls: number;
};

describe('result indicators from known follower series', () => {
  let t: TestApp;
  let w: AnalyticsWorld;
  const ch = (partner: number, channel: number) => w.partners[partner].channelIds[channel];

  beforeAll(async () => {
    t = await createTestApp();
    w = await createAnalyticsWorld(t, {
      partnerNetworks: [['x', 'mastodon'], ['x', 'bluesky'], ['facebook', 'linkedin'], ['sandbox']],
      startsAt: START,
      endsAt: END,
      baselineStartsAt: BASELINE_START,
      baselineEndsAt: START,
    });
    await w.manager
      .post(`/api/campaigns/${w.campaignId}/tracks`)
      .send({ name: 'Retail services', objective: 'Make shopkeepers aware of the partners', outputIndicators: ['identified by more shopkeepers'],
        resultIndicators: ['new followers for each partner'], memberPartnerIds: [w.partners[0].id] })
      .expect(201);
    const steady = linear(BASELINE_START, 1000, 24); // one follower an hour, exactly
    // A: steady trend, no campaign effect.
    await insertSnapshots(t, ch(0, 0), series(BASELINE_START, END, 1, steady));
    // B: same trend, then twice as fast from the campaign's start.
    await insertSnapshots(t, ch(0, 1), series(BASELINE_START, END, 1, (d) =>
      d.getTime() <= Date.parse(START) ? steady(d) : steady(new Date(START)) + 2 * Math.round((d.getTime() - Date.parse(START)) / 3_600_000)));
    // C: polled every 6 h, with no snapshot from 26 February to 3 March (a collector outage).
    await insertSnapshots(t, ch(1, 0), series(BASELINE_START, END, 6, steady).filter(
      (r) => r.takenAt < new Date('2025-02-26T00:00:00Z') || r.takenAt >= new Date('2025-03-03T00:00:00Z')));
    // D: a channel added mid-campaign: readings from 11 March only.
    await insertSnapshots(t, ch(1, 1), series('2025-03-11T00:00:00Z', END, 1, linear('2025-03-11T00:00:00Z', 500, 24)));
    // E: flat at 2000, then a drop to 1900 two days into the campaign.
    await insertSnapshots(t, ch(2, 0), series(BASELINE_START, END, 1, (d) => (d < new Date('2025-03-03T00:00:00Z') ? 2000 : 1900)));
    // F: a LinkedIn member profile: the network answers, but with no count; and one failed poll.
    await insertSnapshots(t, ch(2, 1), [
      ...series(BASELINE_START, END, 24, () => 0).map((r) => ({ takenAt: r.takenAt, followers: null, outcome: 'not_available' as const })),
      { takenAt: new Date('2025-03-05T12:34:00Z'), followers: null, outcome: 'failed', errorKind: 'rate_limited' },
    ]);
    // G: readings around Paris midnight of 10 March (UTC+1): 22:59Z is 23:59 on the 9th, 23:00Z is midnight.
    await insertSnapshots(t, ch(3, 0), [
      { takenAt: new Date('2025-03-09T22:59:00Z'), followers: 100 },
      { takenAt: new Date('2025-03-09T23:00:00Z'), followers: 110 },
      { takenAt: new Date('2025-03-09T23:30:00Z'), followers: 120 },
      { takenAt: new Date('2025-03-10T22:59:00Z'), followers: 150 },
      { takenAt: new Date('2025-03-10T23:00:00Z'), followers: 170 },
      { takenAt: new Date('2025-03-10T23:01:00Z'), followers: 180 },
    ]);
  });
  afterAll(() => t.close());

  async function indicators(query = '') {
    const res = await w.manager.get(`/api/campaigns/${w.campaignId}/indicators${query}`).expect(200);
    const byId = new Map<string, Channel>(res.body.channels.map((c: Channel) => [c.channelId, c]));
    return { body: res.body, channel: (id: string) => byId.get(id)! };
  }

  it('gives lift ≈ 0 for a steady trend with no campaign effect', async () => {
    const { channel } = await indicators();
    const a = channel(ch(0, 0));
    expect(a).toMatchObject({ dataStatus: 'ok', startBasis: 'last_at_or_before_start', startMeasuredAt: new Date(START).toISOString() });
    expect(a.newFollowers).toBe(24 * WINDOW_DAYS);
    expect(a.baseline.points).toBe(59); // one daily point per day of January and February
    expect(a.baseline.slopePerDay).toBeCloseTo(24, 9);
    expect(a.expectedGrowth).toBeCloseTo(24 * WINDOW_DAYS, 6);
    expect(Math.abs(a.lift!)).toBeLessThan(1e-6);
  });

  it('measures a campaign effect as lift over the baseline trend', async () => {
    const { body, channel } = await indicators();
    const b = channel(ch(0, 1));
    expect(b.newFollowers).toBe(48 * WINDOW_DAYS);
    expect(b.lift).toBeCloseTo(24 * WINDOW_DAYS, 6);
    const p0 = body.partners.find((p: { partnerId: string }) => p.partnerId === w.partners[0].id).followers;
    expect(p0).toMatchObject({ channels: 2, channelsWithData: 2, newFollowers: 72 * WINDOW_DAYS, channelsWithBaseline: 2, baselinePoints: 118 });
    expect(p0.lift).toBeCloseTo(24 * WINDOW_DAYS, 6);
    expect(p0.growthPct).toBeCloseTo((72 * WINDOW_DAYS * 100) / p0.startFollowers, 9);
  });

  it('uses the last reading before the start when snapshots are missing', async () => {
    const { channel } = await indicators();
    const c = channel(ch(1, 0));
    // Polls at 23:00, 05:00, 11:00, 17:00 UTC; the last one before the outage is Paris midnight of 26 February.
    expect(c.startMeasuredAt).toBe('2025-02-25T23:00:00.000Z');
    expect(c.startFollowers).toBe(linear(BASELINE_START, 1000, 24)(new Date('2025-02-25T23:00:00Z')));
    expect(c.endMeasuredAt).toBe('2025-03-30T17:00:00.000Z');
    // The expected growth covers the same span as the readings, so the steady trend still gives no lift.
    expect(Math.abs(c.lift!)).toBeLessThan(1e-6);
  });

  it('starts a channel added mid-campaign from its first reading, without a baseline', async () => {
    const { body, channel } = await indicators();
    const d = channel(ch(1, 1));
    expect(d).toMatchObject({
      dataStatus: 'ok', startBasis: 'first_in_window', startFollowers: 500, startMeasuredAt: '2025-03-11T00:00:00.000Z',
      expectedGrowth: null, lift: null, baseline: { points: 0, slopePerDay: null },
    });
    const p1 = body.partners.find((p: { partnerId: string }) => p.partnerId === w.partners[1].id).followers;
    expect(p1).toMatchObject({ channelsStartedInWindow: 1, channelsWithBaseline: 1 });
    expect(p1.newFollowers).toBe(c(body, ch(1, 0)).newFollowers! + d.newFollowers!);
    // Lift only counts the channel that has a baseline, and says whose growth it compares with.
    expect(p1.newFollowersWithBaseline).toBe(c(body, ch(1, 0)).newFollowers);
  });

  it('reports a follower drop as negative growth and negative lift', async () => {
    const { channel } = await indicators();
    const e = channel(ch(2, 0));
    expect(e).toMatchObject({ startFollowers: 2000, endFollowers: 1900, newFollowers: -100, growthPct: -5 });
    expect(e.baseline.slopePerDay).toBe(0);
    expect(e.lift).toBeCloseTo(-100, 9);
  });

  it('shows a network that cannot report followers as not available, never as zero', async () => {
    const { body, channel } = await indicators();
    const f = channel(ch(2, 1));
    expect(f).toMatchObject({ dataStatus: 'not_available', startFollowers: null, endFollowers: null, newFollowers: null, failedPolls: 1 });
    const p2 = body.partners.find((p: { partnerId: string }) => p.partnerId === w.partners[2].id).followers;
    expect(p2).toMatchObject({ channels: 2, channelsWithData: 1, channelsNotAvailable: 1, startFollowers: 2000, newFollowers: -100 });
    expect(body.campaignTotals.followers.channelsNotAvailable).toBe(1);
    const linkedin = body.networks.find((n: { network: string }) => n.network === 'linkedin').followers;
    expect(linkedin).toMatchObject({ channelsNotAvailable: 1, newFollowers: null, growthPct: null });
  });

  it('cuts windows at Europe/Paris midnight, not UTC midnight', async () => {
    const { channel } = await indicators('?from=2025-03-10&to=2025-03-10');
    const g = channel(ch(3, 0));
    // Paris 10 March = 2025-03-09T23:00Z .. 2025-03-10T23:00Z; a UTC day would have given 120 → 180.
    expect(g).toMatchObject({ startFollowers: 110, startMeasuredAt: '2025-03-09T23:00:00.000Z', endFollowers: 170, newFollowers: 60 });

    const s = await w.manager.get(`/api/campaigns/${w.campaignId}/indicators/series?channelId=${ch(3, 0)}&from=2025-03-09&to=2025-03-11`).expect(200);
    expect(s.body.days.map((d: { day: string; followers: number | null }) => [d.day, d.followers])).toEqual([
      ['2025-03-09', 110],
      ['2025-03-10', 170],
      ['2025-03-11', 180],
    ]);
  });

  it('gives a daily series with carried-forward days marked, and a partner curve summed per day', async () => {
    const s = await w.manager.get(`/api/campaigns/${w.campaignId}/indicators/series?channelId=${ch(1, 0)}&from=2025-02-25&to=2025-03-04`).expect(200);
    const days = s.body.days as Array<{ day: string; followers: number; carriedForward: boolean; change: number | null }>;
    expect(days.map((d) => d.day)).toEqual(['2025-02-25', '2025-02-26', '2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04']);
    expect(days.filter((d) => d.carriedForward).map((d) => d.day)).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(days[2]).toMatchObject({ followers: days[1].followers, change: 0 });

    const p = await w.manager.get(`/api/campaigns/${w.campaignId}/indicators/series?partnerId=${w.partners[0].id}&from=2025-03-01&to=2025-03-02`).expect(200);
    expect(p.body.days).toHaveLength(2);
    expect(p.body.days[1].channelsWithReading).toBe(2);
    expect(p.body.days[1].change).toBe(24 + 48);
  });

  it('exports a funder-shaped CSV with each figure, its window and data source, unrounded', async () => {
    const partner = await t.as('partner', { partnerId: w.partners[0].id });
    const res = await partner.get(`/api/campaigns/${w.campaignId}/report.csv`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('section,track,partner,scope,indicator,value,unit,window_from,window_to,data_source,note');
    const rows = lines.slice(1).map((l) => l.split(','));
    const find = (section: string, indicator: string, scope: string, partner = '') =>
      rows.find((r) => r[0] === section && r[4] === indicator && r[3].startsWith(scope) && r[2] === partner);
    expect(find('track', 'specific objective', 'track')?.[5]).toBe('Make shopkeepers aware of the partners');
    expect(find('track', 'output indicator', 'track')?.[5]).toBe('identified by more shopkeepers');
    const trackNew = find('track', 'new followers', 'track partners')!;
    expect(trackNew[5]).toBe(String(72 * WINDOW_DAYS));
    expect(trackNew.slice(7, 9)).toEqual([new Date(START).toISOString(), new Date(END).toISOString()]);
    const p0 = w.partners[0].slug;
    const ind = (await w.manager.get(`/api/campaigns/${w.campaignId}/indicators`).expect(200)).body;
    const lift = ind.partners.find((p: { slug: string }) => p.slug === p0).followers.lift;
    expect(find('partner', 'lift over baseline trend', 'all channels', p0)?.[5]).toBe(String(lift));
    const notAvailable = rows.find((r) => r[2] === w.partners[2].slug && r[3].startsWith('linkedin'))!;
    expect(notAvailable[5]).toBe('');
    expect(notAvailable[10]).toMatch(/^not available/);
  });

  it('offers the same report for French spreadsheets, named after the days it covers', async () => {
    const machine = await w.manager.get(`/api/campaigns/${w.campaignId}/report.csv`).expect(200);
    const res = await w.manager.get(`/api/campaigns/${w.campaignId}/report.csv?format=fr`).expect(200);
    const [, first, last] = /-indicators-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.csv"$/.exec(machine.headers['content-disposition'])!;
    expect(res.headers['content-disposition']).toMatch(new RegExp(`-indicateurs-${first}-au-${last}\\.csv"$`));
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(machine.text.trim().split('\r\n').length);
    expect(lines[0]).toBe('Partie;Axe;Partenaire;Périmètre;Indicateur;Valeur;Unité;Du;Au;Source des données;Note');
    const rows = lines.slice(1).map((l) => l.split(';'));
    const ind = (await w.manager.get(`/api/campaigns/${w.campaignId}/indicators`).expect(200)).body;
    const p0 = ind.partners.find((p: { slug: string }) => p.slug === w.partners[0].slug);
    const lift = rows.find((r) => r[0] === 'Partenaire' && r[2] === p0.name && r[3] === 'tous ses comptes' && r[4] === 'écart à la tendance de référence')!;
    expect(lift[5]).toBe(String(Math.round(p0.followers.lift)));
    expect(lift[7]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(rows.filter((r) => r[0] === 'Partenaire').every((r) => ind.partners.some((p: { name: string }) => p.name === r[2]))).toBe(true);
    await w.manager.get(`/api/campaigns/${w.campaignId}/report.csv?format=xlsx`).expect(400);
  });

  it('refuses a malformed window with a stable code', async () => {
    const res = await w.manager.get(`/api/campaigns/${w.campaignId}/indicators?from=yesterday`).expect(400);
    expect(res.body.code).toBe('validation_failed');
    await w.manager.get(`/api/campaigns/00000000-0000-4000-8000-000000000000/indicators`).expect(404);
  });
});

function c(body: { channels: Channel[] }, id: string): Channel {
  return body.channels.find((x) => x.channelId === id)!;
}
