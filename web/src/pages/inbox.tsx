import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { DecisionForm } from '../components/decision-form';
import { DeliveriesPreview, type PreviewDelivery, type PreviewMedia } from '../components/deliveries-preview';
import { Loaded, PageTitle, StatusBadge, useAsync } from '../components/ui';
import { formatDateTime, t, useLang } from '../i18n';
import { useUser } from '../session';

interface InboxData {
  partnerId: string;
  pending: {
    postId: string;
    campaignId: string;
    campaignName: string;
    version: number;
    scheduledAt: string;
    link: string | null;
    media: PreviewMedia[] | null;
    deliveries: PreviewDelivery[];
  }[];
  history: { id: string; postId: string; version: number; decision: 'approved' | 'rejected'; comment: string; via: string; decidedAt: string; supersededAt: string | null; changeable: boolean }[];
}

export function InboxPage() {
  useLang();
  const user = useUser();
  const inbox = useAsync(() => get<InboxData>('/api/approvals/inbox'), []);
  const [done, setDone] = useState<string | null>(null);

  if (user && user.role !== 'partner') {
    return (
      <section>
        <PageTitle>{t('inbox.title')}</PageTitle>
        <p>{t('inbox.partnersOnly')}</p>
      </section>
    );
  }

  return (
    <section>
      <PageTitle>{t('inbox.title')}</PageTitle>
      <div role="status" aria-live="polite">
        {done && <p class="alert alert-ok">{done}</p>}
      </div>
      <Loaded state={inbox}>
        {(data) => (
          <>
            <h2>{t('inbox.pending', { count: data.pending.length })}</h2>
            {data.pending.length === 0 && <p class="muted">{t('inbox.nothing')}</p>}
            <ul class="plain stack">
              {data.pending.map((p) => (
                <li key={`${p.postId}:${p.version}`} class="card inbox-item" data-post={p.postId}>
                  <h3>
                    {p.campaignName} — {t('inbox.goesOut', { when: formatDateTime(p.scheduledAt) })}
                  </h3>
                  <p class="muted small">{t('inbox.version', { version: p.version })}</p>
                  <p>{t('inbox.exactly')}</p>
                  <DeliveriesPreview deliveries={p.deliveries} media={p.media} />
                  <DecisionForm
                    idPrefix={`d-${p.postId}`}
                    onDecide={async (decision, comment) => {
                      await post(`/api/posts/${p.postId}/approvals`, { decision, comment: comment || undefined, version: p.version });
                      setDone(decision === 'approved' ? t('inbox.approvedDone') : t('inbox.rejectedDone'));
                      inbox.reload();
                    }}
                  />
                </li>
              ))}
            </ul>
            {data.history.some((h) => h.changeable) && (
              <>
                <h2>{t('inbox.changeable')}</h2>
                <p class="muted small">{t('inbox.changeableHelp')}</p>
                <ul class="plain stack">
                  {data.history
                    .filter((h) => h.changeable)
                    .map((h) => (
                      <li key={h.id} class="card" data-changeable={h.postId}>
                        <p class="row wrap">
                          <StatusBadge kind="delivery" status={h.decision} />
                          <a href={`/app/posts/${h.postId}`}>{t('inbox.openPost', { version: h.version })}</a>
                        </p>
                        {h.comment && <p class="small">« {h.comment} »</p>}
                        <DecisionForm
                          idPrefix={`c-${h.postId}`}
                          only={h.decision === 'approved' ? 'rejected' : 'approved'}
                          onDecide={async (decision, comment) => {
                            await post(`/api/posts/${h.postId}/approvals/change`, { decision, comment: comment || undefined, version: h.version });
                            setDone(decision === 'approved' ? t('inbox.approvedDone') : t('inbox.rejectedDone'));
                            inbox.reload();
                          }}
                        />
                      </li>
                    ))}
                </ul>
              </>
            )}
            <h2>{t('inbox.history')}</h2>
            {data.history.length === 0 ? (
              <p class="muted">{t('inbox.noHistory')}</p>
            ) : (
              <div class="table-wrap">
                <table class="rows-on-phone">
                  <caption class="visually-hidden">{t('inbox.history')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('inbox.when')}</th>
                      <th scope="col">{t('inbox.decision')}</th>
                      <th scope="col">{t('inbox.comment')}</th>
                      <th scope="col">{t('inbox.post')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.history.map((h) => (
                      <tr key={h.id}>
                        <td data-label={t('inbox.when')}>{formatDateTime(h.decidedAt)}</td>
                        <td data-label={t('inbox.decision')}>
                          <StatusBadge kind="delivery" status={h.decision} /> {h.via === 'link' && <span class="muted small">{t('inbox.viaLink')}</span>}
                          {h.supersededAt && <span class="muted small"> {t('inbox.superseded')}</span>}
                        </td>
                        <td data-label={t('inbox.comment')}>{h.comment || <span class="muted">—</span>}</td>
                        <td data-label={t('inbox.post')}>
                          <a href={`/app/posts/${h.postId}`}>{t('inbox.openPost', { version: h.version })}</a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
