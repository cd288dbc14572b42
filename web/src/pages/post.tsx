import { useState } from 'preact/hooks';
import { get } from '../api';
import { ErrorBox, Loaded, NETWORK_LABELS, PageTitle, StatusBadge, useAsync } from '../components/ui';
import { formatDateTime, t, useLang } from '../i18n';
import type { MessageKey } from '../messages';
import { query } from '../router';
import { useUser } from '../session';

interface PostPageData {
  post: {
    id: string;
    campaignId: string;
    campaignName: string;
    baseText: string;
    link: string | null;
    media: { url: string; altText?: string | null; type: string }[];
    scheduledAt: string;
    version: number;
    status: string;
    submittedAt: string | null;
    cancelledAt: string | null;
  };
  deliveries: {
    id: string;
    network: string;
    handle: string;
    partnerName: string;
    status: string;
    resolvedText: string;
    postVersion: number;
    approvedVersion: number | null;
    dueAt: string;
    attempts: number;
    errorKind: string | null;
    errorMessage: string | null;
    externalUrl: string | null;
    publishedAt: string | null;
  }[];
  approvals: { partnerId: string; partnerName: string; postVersion: number; decision: string; comment: string; via: string; decidedAt: string }[];
}

interface ApprovalLink {
  partnerId: string;
  partnerName: string;
  url: string;
  expiresAt: string;
}

export function PostPage({ postId }: { postId: string }) {
  useLang();
  const user = useUser();
  const data = useAsync(() => get<PostPageData>(`/api/web/posts/${postId}`), [postId]);
  const [links, setLinks] = useState<ApprovalLink[] | null>(null);
  const [linkError, setLinkError] = useState<unknown>(null);
  const justSubmitted = query().get('submitted') === '1';

  async function loadLinks() {
    setLinkError(null);
    try {
      const answer = await get<ApprovalLink[] | { links: ApprovalLink[] }>(`/api/posts/${postId}/approval-links`);
      setLinks(Array.isArray(answer) ? answer : answer.links);
    } catch (err) {
      setLinkError(err);
    }
  }

  return (
    <Loaded state={data}>
      {({ post, deliveries, approvals }) => (
        <section class="stack">
          <p class="breadcrumb">
            <a href={`/app/campaigns/${post.campaignId}`}>{post.campaignName}</a>
          </p>
          <PageTitle>{t('post.title', { when: formatDateTime(post.scheduledAt) })}</PageTitle>
          {justSubmitted && (
            <p class="alert alert-ok" role="status">
              {t('post.submitted')}
            </p>
          )}
          <p class="row wrap">
            <StatusBadge status={post.status} /> <span class="muted">{t('post.version', { version: post.version })}</span>
          </p>
          <div class="card">
            <h2 class="small-heading">{t('post.baseText')}</h2>
            <div class="preview-text">{post.baseText}</div>
            {post.link && (
              <p>
                {t('post.link')} :{' '}
                <a href={post.link} target="_blank" rel="noopener noreferrer">
                  {post.link}
                </a>
              </p>
            )}
          </div>

          {user?.role === 'manager' && post.status === 'awaiting_approval' && (
            <div class="card stack">
              <h2 class="small-heading">{t('post.approvalLinks')}</h2>
              <p class="muted small">{t('post.approvalLinksHelp')}</p>
              {!links && (
                <p>
                  <button type="button" onClick={loadLinks}>
                    {t('post.makeLinks')}
                  </button>
                </p>
              )}
              <ErrorBox error={linkError} />
              {links && links.length === 0 && <p class="muted">{t('post.noLinks')}</p>}
              {links?.map((l) => (
                <div class="field" key={l.partnerId}>
                  <label for={`link-${l.partnerId}`}>{t('post.linkFor', { partner: l.partnerName, until: formatDateTime(l.expiresAt) })}</label>
                  <input id={`link-${l.partnerId}`} readOnly value={absolute(l.url)} onFocus={(e) => e.currentTarget.select()} />
                </div>
              ))}
            </div>
          )}

          <h2>{t('post.deliveries', { count: deliveries.length })}</h2>
          <ul class="plain stack">
            {deliveries.map((d) => (
              <li class="card delivery" key={d.id} data-status={d.status}>
                <div class="row between wrap">
                  <strong>
                    {d.partnerName} · <span class={`net net-${d.network}`}>{NETWORK_LABELS[d.network] ?? d.network}</span> {d.handle}
                  </strong>
                  <StatusBadge kind="delivery" status={d.status} />
                </div>
                <div class="preview-text">{d.resolvedText}</div>
                {d.publishedAt && <p class="small">{t('post.publishedAt', { when: formatDateTime(d.publishedAt) })}</p>}
                {d.externalUrl && (
                  <p>
                    <a href={d.externalUrl} target="_blank" rel="noopener noreferrer">
                      {t('post.seeOnNetwork', { network: NETWORK_LABELS[d.network] ?? d.network })}
                    </a>
                  </p>
                )}
                {d.errorKind && (
                  <div class="alert alert-error">
                    <p>{t(`deliveryError.${d.errorKind}` as MessageKey)}</p>
                    {d.errorMessage && <p class="small">{t('post.errorDetail', { detail: d.errorMessage })}</p>}
                  </div>
                )}
                {d.status === 'pending_approval' && <p class="muted small">{t('post.waitingFor', { partner: d.partnerName })}</p>}
              </li>
            ))}
          </ul>

          <h2>{t('post.approvals')}</h2>
          {approvals.length === 0 ? (
            <p class="muted">{t('post.noApprovals')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('inbox.when')}</th>
                    <th scope="col">{t('calendar.partner')}</th>
                    <th scope="col">{t('inbox.decision')}</th>
                    <th scope="col">{t('inbox.comment')}</th>
                  </tr>
                </thead>
                <tbody>
                  {approvals.map((a, i) => (
                    <tr key={i}>
                      <td>{formatDateTime(a.decidedAt)}</td>
                      <td>{a.partnerName}</td>
                      <td>
                        <StatusBadge kind="delivery" status={a.decision} /> <span class="muted small">v{a.postVersion}</span>
                      </td>
                      <td>{a.comment || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </Loaded>
  );
}

function absolute(url: string): string {
  return url.startsWith('/') ? location.origin + url : url;
}
