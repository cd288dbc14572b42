import { ChannelName } from './ui';
import { t, useLang } from '../i18n';

export interface PreviewDelivery {
  deliveryId?: string;
  id?: string;
  network: string;
  handle: string;
  displayName?: string | null;
  resolvedText: string;
}
export interface PreviewMedia {
  url: string;
  altText?: string | null;
  type: 'image' | 'video';
}

/** Exactly what will go out on each account: the text as resolved for that channel, and the media. */
export function DeliveriesPreview({ deliveries, media }: { deliveries: PreviewDelivery[]; media?: PreviewMedia[] | null }) {
  useLang();
  return (
    <div class="stack">
      {deliveries.map((d) => (
        <article class="preview card" key={d.deliveryId ?? d.id}>
          <header>
            <strong>
              <ChannelName network={d.network} handle={d.handle} displayName={d.displayName} />
            </strong>
          </header>
          <div class="preview-text">{d.resolvedText}</div>
        </article>
      ))}
      {media && media.length > 0 && (
        <div>
          <h3 class="small-heading">{t('inbox.media')}</h3>
          <ul class="media-list">
            {media.map((m, i) => (
              <li key={i}>
                {m.type === 'image' ? t('composer.image') : t('composer.video')} {i + 1} :{' '}
                <a href={m.url} target="_blank" rel="noopener noreferrer">
                  {m.url}
                </a>
                {m.altText ? <span class="muted"> — {t('inbox.alt')} « {m.altText} »</span> : <span class="muted"> — {t('inbox.noAlt')}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
