import { useState } from 'preact/hooks';
import { get, post as postJson } from '../api';
import { ChannelName, ErrorBox, NetworkMessage, Loaded, NETWORK_LABELS, PageTitle, StatusBadge, useAsync } from '../components/ui';
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
    baseTextForPeople: string;
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
    displayName: string | null;
    partnerId: string;
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
  approvals: { partnerId: string; partnerName: string; postVersion: number; decision: string; comment: string; via: string; decidedByName: string | null; decidedAt: string }[];
}

interface ApprovalLink {
  partnerId: string;
  partnerName: string;
  url: string;
  expiresAt: string;
}

/** GET /api/posts/:id/approvals: each targeted partner's state on the current version. */
interface ApprovalStatus {
  version: number;
  submittedAt: string | null;
  cancelledAt: string | null;
  operatorPartnerId: string | null;
  partners: { partnerId: string; partnerName: string; state: 'pending' | 'approved' | 'rejected'; comment: string | null }[];
}

/** Kinds whose message Chorus wrote itself: the sentence of messages.ts says it all. */
const OUR_OWN_ERROR_KINDS = new Set(['not_approved', 'channel_unavailable']);

type Notice = { kind: 'ok' | 'warn'; text: string } | null;

export function PostPage({ postId }: { postId: string }) {
  useLang();
  const user = useUser();
  const data = useAsync(() => get<PostPageData>(`/api/web/posts/${postId}`), [postId]);
  const approvalStatus = useAsync(() => get<ApprovalStatus>(`/api/posts/${postId}/approvals`), [postId]);
  const params = query();
  const [notice, setNotice] = useState<Notice>(() => {
    if (params.get('submitted') === '1') return { kind: 'ok', text: t('post.submitted') };
    const edited = params.get('edited');
    if (edited) return { kind: 'ok', text: t('post.edited', { version: Number(edited) }) };
    if (params.get('rescheduled') === '1') return { kind: 'ok', text: t('post.rescheduled') };
    if (params.get('draft') === '1') return { kind: 'ok', text: t('post.draftSaved') };
    return null;
  });
  const isManager = user?.role === 'manager';
  const reload = () => {
    data.reload();
    approvalStatus.reload();
  };

  return (
    <Loaded state={data}>
      {({ post, deliveries, approvals }) => {
        // Partners whose latest word on the current version is a refusal: their accounts wait for a new decision.
        const refusedBy = new Set(approvals.filter((a) => a.postVersion === post.version && a.decision === 'rejected').map((a) => a.partnerId));
        return (
        <section class="stack">
          <p class="breadcrumb">
            <a href={`/app/campaigns/${post.campaignId}`}>{post.campaignName}</a>
          </p>
          <PageTitle>{t('post.title', { when: formatDateTime(post.scheduledAt) })}</PageTitle>
          {notice && (
            <p class={`alert alert-${notice.kind}`} role="status">
              {notice.text}
            </p>
          )}
          <p class="row wrap">
            <StatusBadge status={post.status} /> <span class="muted" data-testid="post-version">{t('post.version', { version: post.version })}</span>
          </p>
          {isManager && <ManagerActions post={post} deliveries={deliveries} onDone={(n) => { setNotice(n); reload(); }} />}

          <div class="card">
            <h2 class="small-heading">{t('post.baseText')}</h2>
            <div class="preview-text">{post.baseTextForPeople}</div>
            {post.link && (
              <p>
                {t('post.link')} :{' '}
                <a href={post.link} target="_blank" rel="noopener noreferrer">
                  {post.link}
                </a>
              </p>
            )}
          </div>

          <Loaded state={approvalStatus}>
            {(status) => (
              <section class="card stack" aria-labelledby="approval-state" data-testid="approval-state">
                <h2 id="approval-state" class="small-heading">
                  {t('post.approvalState', { version: status.version })}
                </h2>
                <ul class="plain approval-states">
                  {status.partners.map((p) => (
                    <li class="approval-state" key={p.partnerId} data-partner={p.partnerId} data-state={p.state}>
                      <div class="row between wrap">
                        <strong>{p.partnerName}</strong>
                        <span class={`badge status-${p.state === 'pending' ? 'pending_approval' : p.state}`}>{t(`post.state.${p.state}` as MessageKey)}</span>
                      </div>
                      {p.comment && <p class="small">« {p.comment} »</p>}
                      {isManager && p.state === 'rejected' && !status.cancelledAt && p.partnerId !== status.operatorPartnerId && (
                        <AskAgainButton postId={post.id} partnerId={p.partnerId} partnerName={p.partnerName} onDone={(n) => { setNotice(n); reload(); }} />
                      )}
                    </li>
                  ))}
                </ul>
                {isManager && !status.cancelledAt && status.submittedAt && status.partners.some((p) => p.state === 'pending' && p.partnerId !== status.operatorPartnerId) && (
                  <ApprovalLinks postId={post.id} />
                )}
              </section>
            )}
          </Loaded>

          <h2>{t('post.deliveries', { count: deliveries.length })}</h2>
          <ul class="plain stack">
            {deliveries.map((d) => (
              <li class="card delivery" key={d.id} data-status={d.status} data-delivery={d.id}>
                <div class="row between wrap">
                  <strong>
                    {d.partnerName} · <ChannelName network={d.network} handle={d.handle} displayName={d.displayName} />
                  </strong>
                  <StatusBadge kind="delivery" status={d.status} />
                </div>
                <div class="preview-text">{d.resolvedText}</div>
                {d.publishedAt && <p class="small">{t('post.publishedAt', { when: formatDateTime(d.publishedAt) })}</p>}
                {!d.externalUrl && d.publishedAt && d.network === 'sandbox' && <p class="muted small">{t('post.sandboxPublished')}</p>}
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
                    {d.errorMessage && !OUR_OWN_ERROR_KINDS.has(d.errorKind) && <NetworkMessage text={d.errorMessage} />}
                  </div>
                )}
                {isManager && d.status === 'failed' && !post.cancelledAt && <RetryButton deliveryId={d.id} onDone={(n) => { setNotice(n); reload(); }} />}
                {d.status === 'pending_approval' && post.submittedAt && !post.cancelledAt && !refusedBy.has(d.partnerId) && (
                  <p class="muted small">{t('post.waitingFor', { partner: d.partnerName })}</p>
                )}
                {d.status === 'pending_approval' && refusedBy.has(d.partnerId) && !post.cancelledAt && (
                  <p class="small" data-testid="refused-note">
                    {t('post.refusedBy', { partner: d.partnerName })}
                  </p>
                )}
              </li>
            ))}
          </ul>

          <h2>{t('post.history')}</h2>
          {approvals.length === 0 ? (
            <p class="muted">{t('post.noApprovals')}</p>
          ) : (
            <div class="table-wrap">
              <table class="rows-on-phone" data-testid="approval-history">
                <thead>
                  <tr>
                    <th scope="col">{t('inbox.when')}</th>
                    <th scope="col">{t('calendar.partner')}</th>
                    <th scope="col">{t('post.version.short')}</th>
                    <th scope="col">{t('inbox.decision')}</th>
                    <th scope="col">{t('post.by')}</th>
                    <th scope="col">{t('inbox.comment')}</th>
                  </tr>
                </thead>
                <tbody>
                  {approvals.map((a, i) => (
                    <tr key={i}>
                      <td data-label={t('inbox.when')}>{formatDateTime(a.decidedAt)}</td>
                      <td data-label={t('calendar.partner')}>{a.partnerName}</td>
                      <td data-label={t('post.version.short')}>v{a.postVersion}</td>
                      <td data-label={t('inbox.decision')}>
                        <StatusBadge kind="delivery" status={a.decision} />
                      </td>
                      <td data-label={t('post.by')} class="small">{a.via === 'link' ? t('post.viaLink') : (a.decidedByName ?? t('post.viaLogin'))}</td>
                      <td data-label={t('inbox.comment')}>{a.comment || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        );
      }}
    </Loaded>
  );
}

/** Edit (through the composer) and cancel, for managers, with what each does in plain words. */
function ManagerActions({ post, deliveries, onDone }: { post: PostPageData['post']; deliveries: PostPageData['deliveries']; onDone: (n: Notice) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (post.cancelledAt) {
    return (
      <p class="alert alert-warn" data-testid="post-cancelled">
        {t('post.isCancelled')}
      </p>
    );
  }
  const started = deliveries.some((d) => d.status === 'publishing' || d.status === 'published');
  const cancellable = deliveries.some((d) => ['pending_approval', 'approved'].includes(d.status));

  async function submitDraft() {
    setBusy(true);
    setError(null);
    try {
      await postJson(`/api/posts/${post.id}/submit`);
      onDone({ kind: 'ok', text: t('post.submitted') });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    setBusy(true);
    setError(null);
    try {
      const result = await postJson<{ deliveryIds: string[] }>(`/api/posts/${post.id}/cancel`);
      setConfirming(false);
      onDone({ kind: 'warn', text: t('post.cancelled', { count: result.deliveryIds.length }) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card stack manage" aria-labelledby="manage-title">
      <h2 id="manage-title" class="small-heading">
        {t('post.manage')}
      </h2>
      {started ? (
        <p class="muted small">{t('post.cannotEditStarted')}</p>
      ) : (
        <>
          <p class="muted small">{t('post.editHelp')}</p>
        </>
      )}
      {!post.submittedAt && <p class="small">{t('post.draftHelp')}</p>}
      <p class="actions">
        {!post.submittedAt && (
          <button type="button" class="primary" disabled={busy} onClick={submitDraft}>
            {t('composer.submit')}
          </button>
        )}
        {!started && (
          <a class={`button${post.submittedAt ? ' primary' : ''}`} href={`/app/posts/${post.id}/edit`}>
            {t('post.edit')}
          </a>
        )}
        {cancellable && !confirming && (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            {t('post.cancel')}
          </button>
        )}
      </p>
      {confirming && (
        <div class="confirm stack" role="alertdialog" aria-labelledby="cancel-q">
          <p id="cancel-q">
            <strong>{t('post.cancelConfirm')}</strong>
          </p>
          <p class="actions">
            <button type="button" class="danger" disabled={busy} onClick={cancel}>
              {t('post.cancelYes')}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('post.cancelNo')}
            </button>
          </p>
        </div>
      )}
      <ErrorBox error={error} />
    </section>
  );
}

function RetryButton({ deliveryId, onDone }: { deliveryId: string; onDone: (n: Notice) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function retry() {
    setBusy(true);
    setError(null);
    try {
      await postJson(`/api/deliveries/${deliveryId}/retry`);
      onDone({ kind: 'ok', text: t('post.retried') });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <div>
      <button type="button" class="primary" disabled={busy} onClick={retry}>
        {t('post.retry')}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

interface ApprovalLink {
  partnerId: string;
  partnerName: string;
  url: string;
  expiresAt: string;
}

/** Single-use links for partners who do not sign in; the manager copies each one to the right person. */
function ApprovalLinks({ postId }: { postId: string }) {
  const [links, setLinks] = useState<ApprovalLink[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState<string | null>(null);

  async function load() {
    setError(null);
    try {
      setLinks(await get<ApprovalLink[]>(`/api/posts/${postId}/approval-links`));
    } catch (err) {
      setError(err);
    }
  }
  async function copy(l: ApprovalLink) {
    const input = document.getElementById(`link-${l.partnerId}`) as HTMLInputElement | null;
    try {
      await navigator.clipboard.writeText(absolute(l.url));
    } catch {
      // No clipboard permission (plain http): select the text so Ctrl+C / long-press copies it.
      input?.select();
      document.execCommand?.('copy');
    }
    setCopied(l.partnerId);
  }

  return (
    <div class="stack" data-testid="approval-links">
      <h3>{t('post.approvalLinks')}</h3>
      <p class="muted small">{t('post.approvalLinksHelp')}</p>
      {!links && (
        <p>
          <button type="button" onClick={load}>
            {t('post.makeLinks')}
          </button>
        </p>
      )}
      <ErrorBox error={error} />
      {links && links.length === 0 && <p class="muted">{t('post.noLinks')}</p>}
      {links?.map((l) => (
        <div class="field" key={l.partnerId}>
          <label for={`link-${l.partnerId}`}>{t('post.linkFor', { partner: l.partnerName, until: formatDateTime(l.expiresAt) })}</label>
          <div class="copy-row">
            <input id={`link-${l.partnerId}`} readOnly value={absolute(l.url)} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" onClick={() => void copy(l)} aria-describedby={copied === l.partnerId ? `copied-${l.partnerId}` : undefined}>
              {t('post.copy')}
            </button>
          </div>
          {copied === l.partnerId && (
            <p id={`copied-${l.partnerId}`} class="small muted" role="status">
              {t('post.copied')}
            </p>
          )}
        </div>
      ))}
    </div>
  );
}

function absolute(url: string): string {
  return url.startsWith('/') ? location.origin + url : url;
}

/** After a refusal: the manager asks that partner to decide again (the post is back in its inbox). */
function AskAgainButton({ postId, partnerId, partnerName, onDone }: { postId: string; partnerId: string; partnerName: string; onDone: (n: Notice) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function ask() {
    setBusy(true);
    setError(null);
    try {
      await postJson(`/api/posts/${postId}/approvals/${partnerId}/ask-again`);
      onDone({ kind: 'ok', text: t('post.askedAgain', { partner: partnerName }) });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <div>
      <button type="button" disabled={busy} onClick={ask}>
        {t('post.askAgain', { partner: partnerName })}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}
