import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { DecisionForm } from '../components/decision-form';
import { DeliveriesPreview, type PreviewDelivery, type PreviewMedia } from '../components/deliveries-preview';
import { Loaded, PageTitle, useAsync } from '../components/ui';
import { formatDateTime, t, useLang } from '../i18n';

interface LinkView {
  postId: string;
  campaignName: string;
  partnerName: string;
  version: number;
  outdated: boolean;
  cancelled: boolean;
  used: boolean;
  decision: { decision: 'approved' | 'rejected'; comment: string; decidedAt: string } | null;
  scheduledAt: string;
  link: string | null;
  media: PreviewMedia[] | null;
  deliveries: PreviewDelivery[];
}

/** Approval by link, without an account: the signed token in the address is the permission. */
export function ApprovalLinkPage({ token }: { token: string }) {
  useLang();
  const view = useAsync(() => get<LinkView>(`/api/approval-links/${encodeURIComponent(token)}`), [token]);
  const [answered, setAnswered] = useState<'approved' | 'rejected' | null>(null);

  return (
    <section class="narrow-wide">
      <PageTitle>{t('link.title')}</PageTitle>
      <Loaded state={view}>
        {(v) => {
          const decision = answered ?? v.decision?.decision ?? null;
          return (
            <div class="stack">
              <p>{t('link.intro', { partner: v.partnerName, campaign: v.campaignName, when: formatDateTime(v.scheduledAt) })}</p>
              <DeliveriesPreview deliveries={v.deliveries} media={v.media} />
              <div role="status" aria-live="polite">
                {decision && <p class="alert alert-ok">{decision === 'approved' ? t('link.approved') : t('link.rejected')}</p>}
              </div>
              {!decision && v.cancelled && <p class="alert alert-error">{t('link.cancelled')}</p>}
              {!decision && !v.cancelled && v.outdated && <p class="alert alert-error">{t('link.outdated')}</p>}
              {!decision && !v.cancelled && !v.outdated && v.used && <p class="alert alert-error">{t('link.used')}</p>}
              {!decision && !v.cancelled && !v.outdated && !v.used && (
                <DecisionForm
                  idPrefix="link"
                  onDecide={async (d, comment) => {
                    await post(`/api/approval-links/${encodeURIComponent(token)}`, { decision: d, comment: comment || undefined });
                    setAnswered(d);
                  }}
                />
              )}
            </div>
          );
        }}
      </Loaded>
    </section>
  );
}
