import { useState } from 'preact/hooks';
import { ErrorBox } from './ui';
import { t, useLang } from '../i18n';

/** Approve, or reject with a comment (required when rejecting: the manager must know what to change). */
export function DecisionForm({
  idPrefix,
  onDecide,
  only,
}: {
  idPrefix: string;
  onDecide: (decision: 'approved' | 'rejected', comment: string) => Promise<void>;
  /** Offer one decision only (changing one's mind: the other one is the current decision). */
  only?: 'approved' | 'rejected';
}) {
  useLang();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [needComment, setNeedComment] = useState(false);
  const [busy, setBusy] = useState(false);

  async function decide(decision: 'approved' | 'rejected') {
    setError(null);
    if (decision === 'rejected' && !comment.trim()) {
      setNeedComment(true);
      document.getElementById(`${idPrefix}-comment`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await onDecide(decision, comment.trim());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form class="decision stack" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for={`${idPrefix}-comment`}>{t('inbox.comment')}</label>
        <textarea
          id={`${idPrefix}-comment`}
          rows={2}
          value={comment}
          aria-invalid={needComment && !comment.trim()}
          aria-describedby={`${idPrefix}-comment-help`}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        <p id={`${idPrefix}-comment-help`} class={needComment && !comment.trim() ? 'field-error' : 'muted small'}>
          {needComment && !comment.trim() ? t('inbox.commentRequired') : t('inbox.commentHelp')}
        </p>
      </div>
      <ErrorBox error={error} />
      <div class="row wrap">
        {only !== 'rejected' && (
          <button type="button" class="primary" disabled={busy} onClick={() => void decide('approved')}>
            {only ? t('inbox.approveAfterAll') : t('inbox.approve')}
          </button>
        )}
        {only !== 'approved' && (
          <button type="button" class="danger" disabled={busy} onClick={() => void decide('rejected')}>
            {only ? t('inbox.rejectAfterAll') : t('inbox.reject')}
          </button>
        )}
      </div>
    </form>
  );
}
