import { useEffect, useRef, useState } from 'preact/hooks';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { get } from '../api';
import { LiftVerdict } from '../components/lift-verdict';
import { OutputIndicators } from '../components/output-indicators';
import { Loaded, NETWORK_LABELS, PageTitle, useAsync } from '../components/ui';
import type { LiftInterval } from '../../../src/analytics/indicators/lift-interval';
import { formatDate, formatDayShort, formatNumber, formatPercent, intlLocale, t, useLang } from '../i18n';
import { navigate, useSearch } from '../router';
import { keyToDate } from '../time';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

interface Rollup {
  channels: number;
  channelsWithData: number;
  channelsNotAvailable: number;
  startFollowers: number | null;
  endFollowers: number | null;
  newFollowers: number | null;
  growthPct: number | null;
  expectedGrowth: number | null;
  lift: number | null;
  liftInterval: LiftInterval | null;
  baselinePoints: number;
}
interface Conversions {
  count: number;
  records: number;
  bySource: Record<string, number>;
}
interface Indicators {
  campaign: { id: string; slug: string; name: string; timeZone: string };
  window: { from: string; to: string; effectiveTo: string; firstDay: string; lastDay: string; baseline: { from: string; to: string } };
  notes: string[];
  campaignTotals: { followers: Rollup; clicks: number; conversions: Conversions };
  partners: { partnerId: string; slug: string; name: string; followers: Rollup; clicks: number; conversions: Conversions }[];
  tracks: { trackId: string; name: string; followers: Rollup }[];
  networks: { network: string; followers: Rollup }[];
  channels: { channelId: string; partnerId: string; network: string; handle: string; dataStatus: string; newFollowers: number | null }[];
}
interface Series {
  days: { day: string; followers: number | null }[];
}
interface Reciprocity {
  partners: { partnerId: string; name: string; carriedByPartners: number; partnersCarried: number; deliveriesFeaturingIt: number; deliveriesCarried: number }[];
  matrix: number[][];
}

// Distinguishable on white and for common colour-vision deficiencies (Okabe–Ito, then darker tones).
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8E6C00', '#7A3E9D', '#3B7D23', '#B22222', '#4B4B8F'];

export function IndicatorsPage({ campaignId }: { campaignId: string }) {
  useLang();
  // The period: the campaign's by default, or the one chosen (kept in the address, so it can be shared).
  const params = new URLSearchParams(useSearch());
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const period = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
  const data = useAsync(async () => {
    const indicators = await get<Indicators>(`/api/campaigns/${campaignId}/indicators${period ? `?${period}` : ''}`);
    const [series, reciprocity] = await Promise.all([
      Promise.all(indicators.partners.map((p) => get<Series>(`/api/campaigns/${campaignId}/indicators/series?partnerId=${p.partnerId}${period ? `&${period}` : ''}`))),
      get<Reciprocity>(`/api/campaigns/${campaignId}/reciprocity`),
    ]);
    return { indicators, series, reciprocity };
  }, [campaignId, period]);
  return (
    <>
      <Loaded state={data}>{(d) => <IndicatorsView campaignId={campaignId} period={period} {...d} />}</Loaded>
      {data.error !== undefined && data.error !== null && <PeriodForm campaignId={campaignId} from={from} to={to} />}
    </>
  );
}

/** Choose the period the figures cover (whole days, Paris time); empty fields mean the campaign's own. */
function PeriodForm({ campaignId, from, to }: { campaignId: string; from: string; to: string }) {
  const [start, setStart] = useState(from);
  const [end, setEnd] = useState(to);
  const [problem, setProblem] = useState(false);
  function apply(event: Event) {
    event.preventDefault();
    if (start && end && end < start) {
      setProblem(true);
      return;
    }
    setProblem(false);
    const q = new URLSearchParams({ ...(start ? { from: start } : {}), ...(end ? { to: end } : {}) }).toString();
    navigate(`/campaigns/${campaignId}/indicators${q ? `?${q}` : ''}`);
  }
  return (
    <form class="row wrap period-form" onSubmit={apply} aria-label={t('indicators.period')}>
      <div class="field">
        <label for="period-from">{t('indicators.periodFrom')}</label>
        <input id="period-from" type="date" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="period-to">{t('indicators.periodTo')}</label>
        <input id="period-to" type="date" value={end} aria-invalid={problem ? 'true' : undefined} aria-describedby="period-help" onInput={(e) => setEnd(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit">{t('indicators.periodApply')}</button>
        {(from || to) && (
          <a class="button" href={`/app/campaigns/${campaignId}/indicators`}>
            {t('indicators.periodReset')}
          </a>
        )}
      </div>
      <p id="period-help" class={problem ? 'field-error' : 'muted small'}>
        {problem ? t('indicators.periodBackwards') : t('indicators.periodHelp')}
      </p>
    </form>
  );
}

function n(value: number | null | undefined): string {
  // Followers are whole people: figures computed from a trend are rounded.
  return value === null || value === undefined ? t('indicators.notAvailable') : formatNumber(value, { maximumFractionDigits: 0 });
}
function signed(value: number | null | undefined): string {
  return value === null || value === undefined ? t('indicators.notAvailable') : formatNumber(value, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
}

function IndicatorsView({ campaignId, period, indicators, series, reciprocity }: { campaignId: string; period: string; indicators: Indicators; series: Series[]; reciprocity: Reciprocity }) {
  const lang = useLang();
  const [by, setBy] = useState<'partner' | 'track' | 'network'>('partner');
  const totals = indicators.campaignTotals;
  const groups =
    by === 'partner'
      ? indicators.partners.map((p) => ({ label: p.name, f: p.followers }))
      : by === 'track'
        ? indicators.tracks.map((tr) => ({ label: tr.name, f: tr.followers }))
        : indicators.networks.map((nw) => ({ label: NETWORK_LABELS[nw.network] ?? nw.network, f: nw.followers }));

  // Growth since the first reading of the window, so partners of very different sizes share one scale.
  const days = [...new Set(series.flatMap((s) => s.days.map((d) => d.day)))].sort();
  const growthConfig: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: days.map((d) => formatDayShort(keyToDate(d))),
      datasets: indicators.partners.map((p, i) => {
        const byDay = new Map(series[i]!.days.map((d) => [d.day, d.followers]));
        const first = series[i]!.days.find((d) => d.followers !== null)?.followers ?? null;
        return {
          label: p.name,
          data: days.map((d) => {
            const v = byDay.get(d);
            return v === null || v === undefined || first === null ? null : v - first;
          }),
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: PALETTE[i % PALETTE.length],
          borderWidth: 2,
          pointRadius: 0,
          spanGaps: true,
          tension: 0.2,
        };
      }),
    },
    options: chartOptions(t('indicators.followersGained')),
  };

  const barConfig: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: groups.map((g) => g.label),
      datasets: [
        { label: t('indicators.newFollowers'), data: groups.map((g) => g.f.newFollowers), backgroundColor: '#0072B2' },
        { label: t('indicators.expected'), data: groups.map((g) => g.f.expectedGrowth), backgroundColor: '#E69F00' },
      ],
    },
    options: chartOptions(t('indicators.followers')),
  };

  const max = Math.max(1, ...reciprocity.matrix.flat());

  return (
    <section class="indicators stack">
      <p class="breadcrumb">
        <a href={`/app/campaigns/${campaignId}`}>{indicators.campaign.name}</a>
      </p>
      <PageTitle>{t('indicators.title')}</PageTitle>
      <p class="muted">
        {new Date(indicators.window.effectiveTo) <= new Date(indicators.window.from)
          ? t('indicators.notStarted', { from: formatDate(indicators.window.from) })
          : t('indicators.window', { from: formatDate(indicators.window.from), to: formatDate(indicators.window.effectiveTo) })}{' '}
        {t('indicators.baseline', { from: formatDate(indicators.window.baseline.from), to: formatDate(indicators.window.baseline.to) })}
      </p>
      <p>
        <a class="button" href={`/api/campaigns/${campaignId}/report.csv${period ? `?${period}` : ''}`} download>
          {t('indicators.csv')}
        </a>{' '}
        <a class="button" href={`/api/campaigns/${campaignId}/report.csv?format=fr${period ? `&${period}` : ''}`} download>
          {t('indicators.csvFr')}
        </a>
      </p>

      <PeriodForm key={period} campaignId={campaignId} from={new URLSearchParams(period).get('from') ?? ''} to={new URLSearchParams(period).get('to') ?? ''} />

      <ul class="kpis" aria-label={t('indicators.summary')}>
        <li class="card kpi">
          <span class="kpi-label">{t('indicators.newFollowers')}</span>
          <span class="kpi-value" data-testid="kpi-new-followers">{signed(totals.followers.newFollowers)}</span>
          <span class="small muted">{totals.followers.growthPct !== null ? formatPercent(totals.followers.growthPct / 100) : ''}</span>
        </li>
        <li class="card kpi">
          <span class="kpi-label">{t('indicators.lift')}</span>
          <span class="kpi-value">{signed(totals.followers.lift)}</span>
          <span class="small muted">{t('indicators.expectedWas', { value: n(totals.followers.expectedGrowth) })}</span>
          <LiftVerdict interval={totals.followers.liftInterval} />
        </li>
        <li class="card kpi">
          <span class="kpi-label">{t('indicators.clicks')}</span>
          <span class="kpi-value">{formatNumber(totals.clicks)}</span>
        </li>
        <li class="card kpi">
          <span class="kpi-label">{t('indicators.conversions')}</span>
          <span class="kpi-value">{formatNumber(totals.conversions.count)}</span>
        </li>
      </ul>

      <section class="card" aria-labelledby="growth-title">
        <h2 id="growth-title">{t('indicators.growthTitle')}</h2>
        <ChartCanvas key={`growth-${lang}`} config={growthConfig} label={t('indicators.growthAlt')} id="chart-growth" />
      </section>

      <section class="card" aria-labelledby="lift-title">
        <div class="row between wrap">
          <h2 id="lift-title">{t('indicators.liftTitle')}</h2>
          <div class="row" role="group" aria-label={t('indicators.groupBy')}>
            {(['partner', 'track', 'network'] as const).map((k) => (
              <button type="button" key={k} aria-pressed={by === k} onClick={() => setBy(k)}>
                {t(`indicators.by.${k}`)}
              </button>
            ))}
          </div>
        </div>
        <ChartCanvas key={`lift-${by}-${lang}`} config={barConfig} label={t('indicators.liftAlt')} id="chart-lift" />
        {/* A region that scrolls sideways on a phone: focusable, so a keyboard can scroll it too. */}
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('indicators.liftTitle')}>
          <table class="numbers">
            <caption class="visually-hidden">{t('indicators.liftTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(`indicators.by.${by}`)}</th>
                <th scope="col">{t('indicators.start')}</th>
                <th scope="col">{t('indicators.end')}</th>
                <th scope="col">{t('indicators.newFollowers')}</th>
                <th scope="col">{t('indicators.growth')}</th>
                <th scope="col">{t('indicators.expected')}</th>
                <th scope="col">{t('indicators.lift')}</th>
                {by === 'partner' && <th scope="col">{t('indicators.clicks')}</th>}
                {by === 'partner' && <th scope="col">{t('indicators.conversions')}</th>}
              </tr>
            </thead>
            <tbody>
              {groups.map((g, i) => (
                <tr key={g.label}>
                  <th scope="row">{g.label}</th>
                  <td>{n(g.f.startFollowers)}</td>
                  <td>{n(g.f.endFollowers)}</td>
                  <td>{signed(g.f.newFollowers)}</td>
                  <td>{g.f.growthPct === null ? t('indicators.notAvailable') : formatPercent(g.f.growthPct / 100)}</td>
                  <td>{n(g.f.expectedGrowth)}</td>
                  <td>
                    {signed(g.f.lift)} <LiftVerdict interval={g.f.liftInterval} />
                  </td>
                  {by === 'partner' && <td>{formatNumber(indicators.partners[i]!.clicks)}</td>}
                  {by === 'partner' && <td>{formatNumber(indicators.partners[i]!.conversions.count)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <OutputIndicators campaignId={campaignId} from={new URLSearchParams(period).get('from') ?? undefined} to={new URLSearchParams(period).get('to') ?? undefined} />

      <section class="card" aria-labelledby="recip-title">
        <h2 id="recip-title">{t('indicators.reciprocityTitle')}</h2>
        <p class="muted small">{t('indicators.reciprocityHelp')}</p>
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('indicators.reciprocityTitle')}>
          <table class="heatmap" data-testid="heatmap">
            <thead>
              <tr>
                <th scope="col">{t('indicators.publisher')}</th>
                {reciprocity.partners.map((p) => (
                  <th scope="col" key={p.partnerId}>
                    <span class="rot">{p.name}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {reciprocity.partners.map((row, i) => (
                <tr key={row.partnerId}>
                  <th scope="row">{row.name}</th>
                  {reciprocity.matrix[i]!.map((value, j) => {
                    const share = value / max;
                    return (
                      <td
                        key={j}
                        class={i === j ? 'self' : ''}
                        style={{ background: value ? `rgba(0, 90, 160, ${0.12 + 0.88 * share})` : undefined, color: share > 0.5 ? '#fff' : undefined }}
                        title={t('indicators.cellTitle', { publisher: row.name, featured: reciprocity.partners[j]!.name, count: value })}
                      >
                        {value ? formatNumber(value) : ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <details>
        <summary>{t('indicators.method')}</summary>
        {/* The method in the page's language (the API's notes are the same in English, for API users). */}
        <ul class="small">
          {METHOD_NOTES.map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ul>
      </details>
    </section>
  );

  function chartOptions(yTitle: string) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false as const,
      locale: intlLocale(),
      interaction: { mode: 'index' as const, intersect: false },
      plugins: { legend: { position: 'bottom' as const, labels: { boxWidth: 12 } } },
      scales: { y: { title: { display: true, text: yTitle } } },
    };
  }
}

function ChartCanvas<T extends 'line' | 'bar'>({ config, label, id }: { config: ChartConfiguration<T>; label: string; id: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config as ChartConfiguration);
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} id={id} role="img" aria-label={label} />
    </div>
  );
}

const METHOD_NOTES = ['indicators.methodEdges', 'indicators.methodLate', 'indicators.methodLift', 'indicators.methodInterval', 'indicators.methodNotAvailable'] as const;
