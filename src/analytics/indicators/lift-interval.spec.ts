import { fitLine, liftInterval, liftStandardError, tQuantile975 } from './lift-interval';

/** mulberry32: a small seeded generator, so every run draws the same numbers. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a uniform generator. */
function normal(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * One simulated channel as the indicators see it: 59 daily baseline points on a line with noise,
 * then a start reading at day 59 and an end reading at day 89 (the campaign), each with its own
 * noise, plus `step` followers added to the end by the campaign.
 */
function simulate(noise: () => number, sigma: number, step: number) {
  const slope = 24;
  const at = (x: number) => 1000 + slope * x + sigma * noise();
  const baseline = Array.from({ length: 59 }, (_, x) => ({ x, y: at(x) }));
  const fit = fitLine(baseline);
  const start = { x: 59, y: at(59) };
  const end = { x: 89, y: at(89) + step };
  const delta = end.x - start.x;
  const lift = end.y - start.y - fit.slope * delta;
  return liftInterval(lift, liftStandardError(fit, delta), fit.n - 2);
}

describe('lift prediction interval', () => {
  it('uses Student t quantiles (reference table values)', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.7062, 3);
    expect(tQuantile975(2)).toBeCloseTo(4.3027, 3);
    expect(tQuantile975(3)).toBeCloseTo(3.1824, 2);
    expect(tQuantile975(10)).toBeCloseTo(2.2281, 3);
    expect(tQuantile975(57)).toBeCloseTo(2.0025, 3);
    expect(tQuantile975(100000)).toBeCloseTo(1.96, 3);
  });

  it('fits a line exactly on exact points', () => {
    const fit = fitLine([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })));
    expect(fit).toMatchObject({ n: 4, sxx: 5 });
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(5, 12);
    expect(fit.sse).toBeCloseTo(0, 9);
  });

  it('keeps a pure trend plus noise inside its interval at the stated rate', () => {
    const noise = normal(seeded(20251));
    const trials = 4000;
    let inside = 0;
    for (let i = 0; i < trials; i++) if (simulate(noise, 15, 0)!.verdict === 'within_trend') inside++;
    // Binomial spread of the rate at 4000 trials is ±0.0035 (1 sd): 0.95 ± 4 sd.
    expect(inside / trials).toBeGreaterThan(0.936);
    expect(inside / trials).toBeLessThan(0.964);
  });

  it('puts a step change of the campaign outside the interval, on the right side', () => {
    const noise = normal(seeded(7));
    const trials = 200;
    const up = Array.from({ length: trials }, () => simulate(noise, 15, 300)!.verdict);
    const down = Array.from({ length: trials }, () => simulate(noise, 15, -300)!.verdict);
    // A step of 20 σ is far outside an interval whose half-width is about 3 σ.
    expect(up.every((v) => v === 'above_trend')).toBe(true);
    expect(down.every((v) => v === 'below_trend')).toBe(true);
  });

  it('gives no interval without an error estimate (fewer than 3 baseline points)', () => {
    const fit = fitLine([{ x: 0, y: 1 }, { x: 1, y: 3 }]);
    expect(liftStandardError(fit, 10)).toBeNull();
    expect(liftInterval(5, null, null)).toBeNull();
    expect(liftInterval(null, 1, 10)).toBeNull();
  });
});
