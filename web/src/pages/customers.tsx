import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { ErrorBox, Loaded, PageTitle, useAsync } from '../components/ui';
import { formatDate, formatDateTime, formatNumber, t, useLang } from '../i18n';
import type { MessageKey } from '../messages';
import { useUser } from '../session';
import { DISPLAY_ZONE, localInputValue } from '../time';

const SOURCES = ['costo_cheque', 'campaign_code', 'link', 'other'] as const;
type Source = (typeof SOURCES)[number];

interface Conversion {
  id: string;
  partnerId: string;
  occurredOn: string;
  count: number;
  source: Source;
  note: string;
  recordedBy: string | null;
  createdAt: string;
}
interface ConversionList {
  totals: { partnerId: string; count: number; bySource: Record<string, number> }[];
  total: number;
  conversions: Conversion[];
}
interface CampaignHead {
  campaign: { id: string; name: string; timeZone: string };
  partners: { id: string; slug: string; name: string }[];
}

const sourceLabel = (s: string) => t(`customers.source.${s}` as MessageKey);
/** A YYYY-MM-DD day shown in the user's locale (noon UTC keeps it on the same day in Paris). */
const dayLabel = (day: string) => formatDate(new Date(`${day}T12:00:00Z`));

/**
 * "New customers" (conversions): partner staff record those the campaign brought them, and see
 * their records and totals; managers record for any member partner; reviewers read the totals.
 */
export function CustomersPage({ campaignId }: { campaignId: string }) {
  useLang();
  const user = useUser();
  const head = useAsync(() => get<CampaignHead>(`/api/web/campaigns/${campaignId}/calendar`), [campaignId]);
  const list = useAsync(() => get<ConversionList>(`/api/campaigns/${campaignId}/conversions`), [campaignId]);
  const canRecord = user?.role === 'partner' || user?.role === 'manager';

  return (
    <Loaded state={head}>
      {({ campaign, partners }) => {
        const nameOf = (id: string) => partners.find((p) => p.id === id)?.name ?? '—';
        const own = user?.role === 'partner' ? user.partnerId : null;
        return (
          <section class="stack narrow-wide customers">
            <p class="breadcrumb">
              <a href={`/app/campaigns/${campaign.id}`}>{campaign.name}</a>
            </p>
            <PageTitle>{t('customers.title')}</PageTitle>
            <p class="muted">{canRecord ? t('customers.intro') : t('customers.readOnly')}</p>
            {canRecord && <RecordForm campaignId={campaign.id} zone={campaign.timeZone} partners={partners} ownPartnerId={own} onSaved={list.reload} />}
            <Loaded state={list}>
              {(data) => {
                const ownTotal = own ? (data.totals.find((x) => x.partnerId === own)?.count ?? 0) : null;
                return (
                  <div class="stack">
                    <ul class="kpis" aria-label={t('customers.totalsTitle')}>
                      {own && (
                        <li class="card kpi" data-testid="customers-own-total">
                          <span class="muted small">{t('customers.yourTotal', { partner: nameOf(own) })}</span>
                          <strong class="kpi-value">{formatNumber(ownTotal ?? 0)}</strong>
                        </li>
                      )}
                      <li class="card kpi" data-testid="customers-total">
                        <span class="muted small">{t('customers.campaignTotal')}</span>
                        <strong class="kpi-value">{formatNumber(data.total)}</strong>
                      </li>
                    </ul>

                    <h2>{t('customers.recordsTitle')}</h2>
                    {data.conversions.length === 0 ? (
                      <p class="muted">{t('customers.none')}</p>
                    ) : (
                      <div class="table-wrap">
                        <table class="rows-on-phone" data-testid="customers-records">
                          <thead>
                            <tr>
                              <th scope="col">{t('customers.col.day')}</th>
                              {!own && <th scope="col">{t('customers.partner')}</th>}
                              <th scope="col">{t('customers.col.count')}</th>
                              <th scope="col">{t('customers.col.source')}</th>
                              <th scope="col">{t('customers.col.note')}</th>
                              <th scope="col">{t('customers.recordedBy')}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {[...data.conversions].reverse().map((c) => (
                              <tr key={c.id}>
                                <td data-label={t('customers.col.day')}>{dayLabel(c.occurredOn)}</td>
                                {!own && <td data-label={t('customers.partner')}>{nameOf(c.partnerId)}</td>}
                                <td data-label={t('customers.col.count')} class="num">{formatNumber(c.count)}</td>
                                <td data-label={t('customers.col.source')}>{sourceLabel(c.source)}</td>
                                <td data-label={t('customers.col.note')}>{c.note || '—'}</td>
                                <td data-label={t('customers.recordedBy')} class="small">
                                  <div class="wrap-anywhere">
                                    {c.recordedBy ?? '—'}
                                    <br />
                                    <span class="muted">{formatDateTime(c.createdAt)}</span>
                                  </div>
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    )}

                    {data.totals.length > 0 && (
                      <>
                        <h2>{t('customers.totalsTitle')}</h2>
                        <div class="table-wrap">
                          <table>
                            <thead>
                              <tr>
                                <th scope="col">{t('customers.partner')}</th>
                                <th scope="col">{t('customers.col.count')}</th>
                                <th scope="col">{t('customers.col.source')}</th>
                              </tr>
                            </thead>
                            <tbody>
                              {[...data.totals]
                                .sort((a, b) => b.count - a.count)
                                .map((x) => (
                                  <tr key={x.partnerId}>
                                    <td>{nameOf(x.partnerId)}</td>
                                    <td class="num">{formatNumber(x.count)}</td>
                                    <td class="small">
                                      {Object.entries(x.bySource)
                                        .map(([s, n]) => `${sourceLabel(s)} : ${formatNumber(n)}`)
                                        .join(' · ')}
                                    </td>
                                  </tr>
                                ))}
                            </tbody>
                          </table>
                        </div>
                      </>
                    )}
                  </div>
                );
              }}
            </Loaded>
          </section>
        );
      }}
    </Loaded>
  );
}

function RecordForm({
  campaignId,
  zone,
  partners,
  ownPartnerId,
  onSaved,
}: {
  campaignId: string;
  zone: string;
  partners: CampaignHead['partners'];
  ownPartnerId: string | null;
  onSaved: () => void;
}) {
  const today = localInputValue(new Date(), zone || DISPLAY_ZONE).slice(0, 10);
  const [partnerId, setPartnerId] = useState(ownPartnerId ?? '');
  const [occurredOn, setOccurredOn] = useState(today);
  const [count, setCount] = useState('1');
  const [source, setSource] = useState<Source>('costo_cheque');
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const n = Number(count);
      await post(`/api/campaigns/${campaignId}/conversions`, {
        partnerId: ownPartnerId ? undefined : partnerId || undefined,
        occurredOn,
        count: n,
        source,
        code: source === 'campaign_code' && code.trim() ? code.trim() : undefined,
        note: note.trim() || undefined,
      });
      setDone(t('customers.saved', { count: n, day: dayLabel(occurredOn) }));
      setCount('1');
      setNote('');
      setCode('');
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="customers-form-title">
      <h2 id="customers-form-title" class="small-heading">
        {t('customers.formTitle')}
      </h2>
      {!ownPartnerId && (
        <div class="field">
          <label for="cust-partner">{t('customers.partner')}</label>
          <select id="cust-partner" required value={partnerId} onChange={(e) => setPartnerId(e.currentTarget.value)}>
            <option value="">—</option>
            {partners.map((p) => (
              <option value={p.id} key={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="row wrap form-row">
        <div class="field">
          <label for="cust-day">{t('customers.occurredOn')}</label>
          <input id="cust-day" type="date" required max={today} value={occurredOn} onInput={(e) => setOccurredOn(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="cust-count">{t('customers.count')}</label>
          <input id="cust-count" type="number" inputMode="numeric" min={1} max={100000} step={1} required value={count} onInput={(e) => setCount(e.currentTarget.value)} />
        </div>
      </div>
      <fieldset>
        <legend>{t('customers.source')}</legend>
        <div class="radios">
          {SOURCES.map((s) => (
            <label key={s} class="radio">
              <input type="radio" name="cust-source" value={s} checked={source === s} onChange={() => setSource(s)} /> {sourceLabel(s)}
            </label>
          ))}
        </div>
      </fieldset>
      {source === 'campaign_code' && (
        <div class="field">
          <label for="cust-code">{t('customers.code')}</label>
          <input id="cust-code" value={code} maxLength={40} autocomplete="off" aria-describedby="cust-code-help" onInput={(e) => setCode(e.currentTarget.value)} />
          <p id="cust-code-help" class="muted small">
            {t('customers.codeHelp')}
          </p>
        </div>
      )}
      <div class="field">
        <label for="cust-note">{t('customers.note')}</label>
        <textarea id="cust-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <ErrorBox error={error} />
      {done && (
        <p class="alert alert-ok" role="status">
          {done}
        </p>
      )}
      <p>
        <button type="submit" class="primary" disabled={busy || (!ownPartnerId && !partnerId) || !(Number(count) >= 1)}>
          {busy ? t('customers.saving') : t('customers.submit')}
        </button>
      </p>
    </form>
  );
}
