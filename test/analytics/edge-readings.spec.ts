import { fitLine, liftStandardError } from '../../src/analytics/indicators/lift-interval';
import { createTestApp, TestApp } from '../support/test-app';
import { AnalyticsWorld, createAnalyticsWorld, insertSnapshots, SnapshotRow } from '../support/analytics-fixtures';

// Campaign in March 2025 (Paris time), baseline in February.
const BASELINE_START = '2025-02-01T00:00:00+01:00';
const START = new Date('2025-03-01T00:00:00+01:00');
const END = new Date('2025-03-31T00:00:00+02:00');
const at = (edge: Date, ms: number) => new Date(edge.getTime() + ms);
const HOUR = 3_600_000;

type Edge = { at: string; channels: Record<string, number>; firstTakenAt: string | null; lastTakenAt: string | null };

describe('the readings taken for a campaign edge are the ones its indicators use', () => {
  let t: TestApp;
  let w: AnalyticsWorld;
  const ch = (partner: number, channel: number) => w.partners[partner].channelIds[channel];

  beforeAll(async () => {
    t = await createTestApp();
    w = await createAnalyticsWorld(t, {
      partnerNetworks: [['mastodon', 'bluesky'], ['x']],
      startsAt: START.toISOString(),
      endsAt: END.toISOString(),
      baselineStartsAt: BASELINE_START,
      baselineEndsAt: START.toISOString(),
    });
    // A: counts change just before and just after each edge; the edge snapshots were taken 400 ms after each instant.
    await insertSnapshots(t, ch(0, 0), [
      { takenAt: at(START, -HOUR), followers: 90 },
      { takenAt: at(START, -1000), followers: 100 },
      { takenAt: at(START, 400), followers: 105, edgeAt: START, source: 'campaign_start' },
      { takenAt: at(START, 30 * 60_000), followers: 120 },
      { takenAt: at(END, -1000), followers: 300 },
      { takenAt: at(END, 400), followers: 310, edgeAt: END, source: 'campaign_end' },
      { takenAt: at(END, 30 * 60_000), followers: 330 },
    ]);
    // B: the start snapshot failed and the end one was never taken: the readings at or before the edges stand in.
    await insertSnapshots(t, ch(0, 1), [
      { takenAt: at(START, -1000), followers: 50 },
      { takenAt: at(START, 400), followers: null, outcome: 'failed', errorKind: 'transient', edgeAt: START, source: 'campaign_start' },
      { takenAt: at(START, 60_000), followers: 55 },
      { takenAt: at(END, -1000), followers: 80 },
      { takenAt: at(END, 60_000), followers: 85 },
    ]);
  });
  afterAll(() => t.close());

  async function indicators(query = '') {
    const res = await w.manager.get(`/api/campaigns/${w.campaignId}/indicators${query}`).expect(200);
    return res.body as {
      window: { edges: { start: Edge; end: Edge } };
      channels: Array<Record<string, unknown>>;
      partners: Array<{ partnerId: string; followers: { newFollowers: number } }>;
    };
  }
  const channelOf = (body: { channels: Array<Record<string, unknown>> }, id: string) => body.channels.find((c) => c.channelId === id)!;

  it('uses the start and end snapshots for the campaign window, not the readings just before', async () => {
    const body = await indicators();
    expect(channelOf(body, ch(0, 0))).toMatchObject({
      startFollowers: 105, startMeasuredAt: at(START, 400).toISOString(), startBasis: 'edge_reading',
      endFollowers: 310, endMeasuredAt: at(END, 400).toISOString(), endBasis: 'edge_reading',
      newFollowers: 205,
    });
    expect(channelOf(body, ch(0, 1))).toMatchObject({
      startFollowers: 50, startMeasuredAt: at(START, -1000).toISOString(), startBasis: 'last_at_or_before_start',
      endFollowers: 80, endMeasuredAt: at(END, -1000).toISOString(), endBasis: 'last_at_or_before_end',
      newFollowers: 30,
    });
    // The partner's new followers are the sum of exactly those figures.
    expect(body.partners.find((p) => p.partnerId === w.partners[0].id)!.followers.newFollowers).toBe(235);
  });

  it("says which readings each edge of the window used and when they were taken", async () => {
    const { window } = await indicators();
    expect(window.edges.start).toEqual({
      at: START.toISOString(),
      channels: { edge_reading: 1, last_at_or_before_start: 1, first_in_window: 0, last_at_or_before_end: 0, none: 1 },
      firstTakenAt: at(START, -1000).toISOString(),
      lastTakenAt: at(START, 400).toISOString(),
    });
    expect(window.edges.end).toMatchObject({
      at: END.toISOString(),
      channels: { edge_reading: 1, last_at_or_before_end: 1, none: 1 },
      firstTakenAt: at(END, -1000).toISOString(),
      lastTakenAt: at(END, 400).toISOString(),
    });
  });

  it('uses the same edge reading in every window that has that edge', async () => {
    // A requested window with the campaign's edges, written as instants with another offset.
    const same = await indicators(`?from=${encodeURIComponent('2025-02-28T23:00:00Z')}&to=${encodeURIComponent('2025-03-30T22:00:00Z')}`);
    expect(channelOf(same, ch(0, 0))).toMatchObject({ startFollowers: 105, endFollowers: 310, startBasis: 'edge_reading', endBasis: 'edge_reading' });
    // A window ending at the campaign's start ends on the start snapshot…
    const before = await indicators(`?from=2025-02-27&to=${encodeURIComponent(START.toISOString())}`);
    expect(channelOf(before, ch(0, 0))).toMatchObject({ endFollowers: 105, endBasis: 'edge_reading', endMeasuredAt: at(START, 400).toISOString() });
    // …and one starting at the campaign's end starts on the end snapshot.
    const after = await indicators(`?from=${encodeURIComponent(END.toISOString())}&to=2025-04-02`);
    expect(channelOf(after, ch(0, 0))).toMatchObject({ startFollowers: 310, startBasis: 'edge_reading', endFollowers: 330 });
  });

  it('reads a window whose edges had no snapshot at or before them', async () => {
    const later = await indicators(`?from=${encodeURIComponent(at(START, HOUR).toISOString())}&to=${encodeURIComponent(at(END, -HOUR).toISOString())}`);
    expect(channelOf(later, ch(0, 0))).toMatchObject({
      startFollowers: 120, startBasis: 'last_at_or_before_start', endFollowers: 120, endBasis: 'last_at_or_before_end',
    });
    expect(later.window.edges.start.channels.edge_reading).toBe(0);
  });
});

describe("the lift's interval from the baseline fit", () => {
  let t: TestApp;
  let w: AnalyticsWorld;

  beforeAll(async () => {
    t = await createTestApp();
    w = await createAnalyticsWorld(t, {
      partnerNetworks: [['mastodon', 'x']],
      startsAt: START.toISOString(),
      endsAt: END.toISOString(),
      baselineStartsAt: BASELINE_START,
      baselineEndsAt: START.toISOString(),
    });
  });
  afterAll(() => t.close());

  it('computes in SQL the standard error of the documented formula, and tells a step from noise', async () => {
    // Daily noon readings with a fixed wobble around 20 a day; the campaign adds nothing (A) or a big step (B).
    const wobble = [0, 7, -5, 3, -9, 4, 6, -2, -6, 2];
    const daily = (step: number): SnapshotRow[] => {
      const rows: SnapshotRow[] = [];
      for (let d = 0; d < 58; d++) {
        const takenAt = new Date(Date.parse('2025-02-01T11:00:00Z') + d * 86_400_000);
        const followers = 1000 + 20 * d + wobble[d % wobble.length] + (takenAt >= START ? step : 0);
        rows.push({ takenAt, followers });
      }
      return rows;
    };
    const rowsA = daily(0);
    const rowsB = daily(400);
    await insertSnapshots(t, w.partners[0].channelIds[0], rowsA);
    await insertSnapshots(t, w.partners[0].channelIds[1], rowsB);

    const body = (await w.manager.get(`/api/campaigns/${w.campaignId}/indicators`).expect(200)).body;
    const a = body.channels.find((c: { channelId: string }) => c.channelId === w.partners[0].channelIds[0]);
    const b = body.channels.find((c: { channelId: string }) => c.channelId === w.partners[0].channelIds[1]);

    const baseline = rowsA.filter((r) => r.takenAt <= START).map((r) => ({ x: r.takenAt.getTime() / 86_400_000, y: r.followers! }));
    const fit = fitLine(baseline);
    const delta = (Date.parse(a.endMeasuredAt) - Date.parse(a.startMeasuredAt)) / 86_400_000;
    expect(a.baseline.points).toBe(fit.n);
    expect(a.liftInterval.standardError).toBeCloseTo(liftStandardError(fit, delta)!, 6);
    expect(a.liftInterval.degreesOfFreedom).toBe(fit.n - 2);
    expect(a.liftInterval.verdict).toBe('within_trend');
    expect(b.liftInterval.verdict).toBe('above_trend');

    // The partner's interval adds the two channels' variances.
    const partner = body.partners[0].followers;
    expect(partner.liftInterval.standardError).toBeCloseTo(Math.hypot(a.liftInterval.standardError, b.liftInterval.standardError), 6);
    expect(partner.liftInterval.verdict).toBe('above_trend');
  });
});
