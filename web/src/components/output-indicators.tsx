import { useState } from 'preact/hooks';
import type { Figure, OutputFigures, OutputGroup } from '../../../src/analytics/outputs/outputs.service';
import { get } from '../api';
import { formatNumber, formatPercent, t, useLang } from '../i18n';
import { Loaded, NETWORK_LABELS, useAsync } from './ui';

interface Outputs {
  totals: OutputFigures;
  groups: OutputGroup[];
}
interface TopPosts {
  posts: Array<{ postId: string; excerpt: string; views: Figure; engagements: Figure; deliveriesRead: number }>;
}
type By = 'track' | 'partner' | 'network';

/** "n.d." for a figure no network gave; the count of deliveries it covers is in the cell's title. */
function fig(f: Figure, of: number): { text: string; title: string } {
  return {
    text: f.value === null ? t('indicators.notAvailable') : formatNumber(f.value),
    title: t('outputs.coverage', { n: String(f.deliveries), of: String(of) }),
  };
}

/**
 * Output indicators (issue 21): how far the campaign's posts went, per track, partner or network,
 * the top posts, and the funder's report downloads. `from`/`to` follow the page's period when given.
 */
export function OutputIndicators({ campaignId, from, to }: { campaignId: string; from?: string; to?: string }) {
  useLang();
  const [by, setBy] = useState<By>('track');
  const window = [from ? `from=${encodeURIComponent(from)}` : '', to ? `to=${encodeURIComponent(to)}` : ''].filter(Boolean).join('&');
  const data = useAsync(
    async () => {
      const [outputs, top] = await Promise.all([
        get<Outputs>(`/api/campaigns/${campaignId}/outputs?by=${by}${window ? `&${window}` : ''}`),
        get<TopPosts>(`/api/campaigns/${campaignId}/outputs/top-posts?limit=5${window ? `&${window}` : ''}`),
      ]);
      return { outputs, top };
    },
    [campaignId, by, window],
  );
  const report = (ext: 'pdf' | 'xlsx') => `/api/campaigns/${campaignId}/report.${ext}${window ? `?${window}` : ''}`;
  return (
    <section class="card" aria-labelledby="outputs-title" data-testid="outputs">
      <div class="row between wrap">
        <h2 id="outputs-title">{t('outputs.title')}</h2>
        <div class="row" role="group" aria-label={t('indicators.groupBy')}>
          {(['track', 'partner', 'network'] as const).map((k) => (
            <button type="button" key={k} aria-pressed={by === k} onClick={() => setBy(k)}>
              {t(`indicators.by.${k}`)}
            </button>
          ))}
        </div>
      </div>
      <p class="muted small">{t('outputs.help')}</p>
      <Loaded state={data}>
        {({ outputs, top }) => (
          <>
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('outputs.title')}>
              <table class="numbers" data-testid="outputs-table">
                <caption class="visually-hidden">{t('outputs.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t(`indicators.by.${by}`)}</th>
                    <th scope="col">{t('outputs.posts')}</th>
                    <th scope="col">{t('outputs.views')}</th>
                    <th scope="col">{t('outputs.reach')}</th>
                    <th scope="col">{t('outputs.engagements')}</th>
                    <th scope="col">{t('outputs.rate')}</th>
                    <th scope="col">{t('outputs.clicks')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...outputs.groups.map((g) => ({ label: by === 'network' ? NETWORK_LABELS[g.key ?? ''] ?? g.label : g.label || t('outputs.noTrack'), f: g as OutputFigures })),
                    { label: t('outputs.total'), f: outputs.totals }].map(({ label, f }) => {
                    const cells = [fig(f.views, f.deliveries), fig(f.reach, f.deliveries), fig(f.engagements, f.deliveries)];
                    return (
                      <tr key={label}>
                        <th scope="row">{label}</th>
                        <td>{formatNumber(f.posts)}</td>
                        {cells.map((c, i) => (
                          <td key={i} title={c.title}>{c.text}</td>
                        ))}
                        <td>{f.engagementRate === null ? t('indicators.notAvailable') : formatPercent(f.engagementRate)}</td>
                        <td>{formatNumber(f.trackedClicks)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <h3>{t('outputs.topPosts')}</h3>
            {top.posts.length === 0 ? (
              <p class="muted">{t('outputs.noReading')}</p>
            ) : (
              <ol class="stack" data-testid="top-posts">
                {top.posts.map((p) => (
                  <li key={p.postId}>
                    <a href={`/app/posts/${p.postId}`}>{p.excerpt || p.postId}</a>
                    <span class="small muted">
                      {' '}
                      — {t('outputs.views')} : {fig(p.views, p.deliveriesRead).text} · {t('outputs.engagements')} : {fig(p.engagements, p.deliveriesRead).text}
                    </span>
                  </li>
                ))}
              </ol>
            )}
            <p class="row wrap">
              <a class="button" href={report('pdf')} download>{t('outputs.reportPdf')}</a>
              <a class="button" href={report('xlsx')} download>{t('outputs.reportXlsx')}</a>
            </p>
          </>
        )}
      </Loaded>
    </section>
  );
}
