/**
 * The lift's 95 % prediction interval.
 *
 * Model: over the baseline, the channel's daily points follow y = a + b·x + e (x in days), e
 * independent with spread σ. The counterfactual growth between the start reading (x_s) and the
 * end reading (x_e) is b·Δ + e_e − e_s with Δ = x_e − x_s; we expect b̂·Δ. The lift
 * (actual − expected growth) under "no campaign effect" then has variance
 *   σ²·Δ²/Sxx (the slope's error over Δ)  +  2σ² (the two readings' own noise),
 * estimated with s² = SSE / (n − 2) of the fit, so lift / se follows Student's t with n − 2 degrees
 * of freedom, and the 95 % interval of the counterfactual is ± t(0.975, n − 2)·se around 0. A lift
 * inside it is "not distinguishable from the trend". The same idea as CausalImpact (Brodersen et
 * al., 2015): report the counterfactual's interval, not a bare difference.
 *
 * Sums (a partner's channels, a track, the campaign) add the channels' variances (channels taken
 * as independent) and use the smallest degrees of freedom among them, which widens the interval a
 * little rather than narrowing it.
 *
 * The SQL in indicators.sql.ts computes se from the same aggregates; liftStandardError mirrors it
 * for the unit tests.
 */

export type LiftVerdict = 'above_trend' | 'within_trend' | 'below_trend';

export interface LiftInterval {
  /** Confidence level of the interval (0.95). */
  level: number;
  /** Bounds of the lift compatible with the baseline trend alone: [−half-width, +half-width] shifted by nothing; the lift is compared with them. */
  low: number;
  high: number;
  halfWidth: number;
  standardError: number;
  degreesOfFreedom: number;
  /** within_trend: the growth stays within the trend's own noise ("pas distinguable de la tendance"). */
  verdict: LiftVerdict;
}

export const LIFT_LEVEL = 0.95;

/** Student's t quantile for p = 0.975 and `df` degrees of freedom. */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`degrees of freedom must be ≥ 1 (got ${df})`);
  if (df === 1) return Math.tan(Math.PI * (0.975 - 0.5));
  if (df === 2) {
    const p = 0.975;
    return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  }
  // Cornish–Fisher expansion around the normal quantile (Abramowitz & Stegun 26.7.5): within 1e-3 from df = 3 on.
  const z = 1.959963984540054;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** The interval for a lift given its standard error and degrees of freedom; null when there is no error estimate. */
export function liftInterval(lift: number | null, standardError: number | null, degreesOfFreedom: number | null): LiftInterval | null {
  if (lift === null || standardError === null || degreesOfFreedom === null || degreesOfFreedom < 1) return null;
  const halfWidth = tQuantile975(degreesOfFreedom) * standardError;
  const verdict: LiftVerdict = lift > halfWidth ? 'above_trend' : lift < -halfWidth ? 'below_trend' : 'within_trend';
  return { level: LIFT_LEVEL, low: -halfWidth, high: halfWidth, halfWidth, standardError, degreesOfFreedom, verdict };
}

/** Least-squares fit of y on x: what the SQL reads from regr_*(). */
export interface LineFit {
  n: number;
  slope: number;
  intercept: number;
  sxx: number;
  sse: number;
}

export function fitLine(points: ReadonlyArray<{ x: number; y: number }>): LineFit {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  const slope = sxy / sxx;
  return { n, slope, intercept: my - slope * mx, sxx, sse: Math.max(0, syy - (sxy * sxy) / sxx) };
}

/** se of the lift over Δ days after a fit (the formula of indicators.sql.ts' lift_se); null below 3 points. */
export function liftStandardError(fit: LineFit, deltaDays: number): number | null {
  if (fit.n < 3 || !(fit.sxx > 0)) return null;
  return Math.sqrt((fit.sse / (fit.n - 2)) * (2 + (deltaDays * deltaDays) / fit.sxx));
}
