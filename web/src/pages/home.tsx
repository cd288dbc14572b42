import type { RefusalItem } from '../../../src/web/web-reads.service';
import { get } from '../api';
import { Loaded, PageTitle, useAsync } from '../components/ui';
import { formatDate, formatDateTime, t, useLang } from '../i18n';
import { useUser } from '../session';

export interface CampaignSummary {
  id: string;
  slug: string;
  name: string;
  objective?: string;
  timeZone: string;
  startsAt: string;
  endsAt: string;
}

export function HomePage() {
  useLang();
  const user = useUser();
  const campaigns = useAsync(() => get<CampaignSummary[] | { items: CampaignSummary[] }>('/api/campaigns'), []);
  return (
    <section>
      <PageTitle>{t('home.title')}</PageTitle>
      {user?.role === 'partner' && (
        <p>
          <a class="button primary" href="/app/inbox">
            {t('home.toInbox')}
          </a>
        </p>
      )}
      {user?.role === 'manager' && <Refusals />}
      {user?.role === 'manager' && (
        <p>
          <a class="button" href="/app/setup">
            {t('home.setup')}
          </a>
        </p>
      )}
      <Loaded state={campaigns}>
        {(answer) => {
          const list = Array.isArray(answer) ? answer : answer.items;
          if (list.length === 0) return <p class="muted">{t('home.none')}</p>;
          return (
            <ul class="cards">
              {list.map((c) => (
                <li class="card" key={c.id}>
                  <h2>{c.name}</h2>
                  <p class="muted">{t('home.window', { start: formatDate(c.startsAt), end: formatDate(c.endsAt) })}</p>
                  {c.objective && <p class="objective">{c.objective}</p>}
                  <p class="actions">
                    <a class="button" href={`/app/campaigns/${c.id}`}>
                      {t('home.calendar')}
                    </a>
                    {user?.role === 'manager' && (
                      <a class="button" href={`/app/campaigns/${c.id}/compose`}>
                        {t('home.compose')}
                      </a>
                    )}
                    <a class="button" href={`/app/campaigns/${c.id}/indicators`}>
                      {t('home.indicators')}
                    </a>
                    <a class={`button${user?.role === 'partner' ? ' primary' : ''}`} href={`/app/campaigns/${c.id}/customers`}>
                      {t('customers.nav')}
                    </a>
                  </p>
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}

/** The manager's to-do after a refusal: who refused which post, and why, with the way to the post. */
function Refusals() {
  const refusals = useAsync(() => get<RefusalItem[]>('/api/web/refusals'), []);
  if (!refusals.data?.length) return null;
  return (
    <section class="card stack refusals" aria-labelledby="refusals-title" data-testid="refusals">
      <h2 id="refusals-title" class="small-heading">
        {t('home.refusals', { count: refusals.data.length })}
      </h2>
      <p class="muted small">{t('home.refusalsHelp')}</p>
      <ul class="plain stack">
        {refusals.data.map((r) => (
          <li key={`${r.postId}:${r.partnerId}`} class="refusal">
            <strong>{t('home.refusal', { partner: r.partnerName, when: formatDateTime(r.scheduledAt) })}</strong> <span class="muted small">· {r.campaignName}</span>
            {r.comment && <p class="small">« {r.comment} »</p>}
            <a href={`/app/posts/${r.postId}`}>{t('home.openRefused')}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
