import type { LiftInterval } from '../../../src/analytics/indicators/lift-interval';
import { formatNumber, t } from '../i18n';

/** Says whether a lift stands out of the baseline trend's own noise (its 95 % interval), and by how much it could vary. */
export function LiftVerdict({ interval }: { interval: LiftInterval | null | undefined }) {
  if (!interval) return <span class="small muted">{t('lift.noInterval')}</span>;
  const label = interval.verdict === 'within_trend' ? t('lift.within') : interval.verdict === 'above_trend' ? t('lift.above') : t('lift.below');
  return (
    <span class="small muted" data-testid="lift-verdict" data-verdict={interval.verdict}>
      {label} ({t('lift.margin', { value: formatNumber(interval.halfWidth, { maximumFractionDigits: 0 }) })})
    </span>
  );
}
