import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorText } from '../errors';
import { t, useLang } from '../i18n';
import type { MessageKey } from '../messages';

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `fn` when `deps` change; `reload()` runs it again. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => alive && setState({ data, loading: false }),
      (error: unknown) => alive && setState({ error, loading: false }),
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export { errorText };

/** The one place a failed call is told; problems of `shownFields` are told under those fields instead. */
export function ErrorBox({ error, shownFields }: { error: unknown; shownFields?: string[] }) {
  useLang();
  if (!error) return null;
  return (
    <div class="alert alert-error" role="alert">
      {errorText(error, { shownFields })}
    </div>
  );
}

export function Loading() {
  useLang();
  return (
    <p class="muted" role="status" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}

/** Loading, error or the content, for a page fed by useAsync. */
export function Loaded<T>({ state, children }: { state: Async<T>; children: (data: T) => ComponentChildren }) {
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

export type PostStatus = 'draft' | 'rejected' | 'awaiting_approval' | 'scheduled' | 'publishing' | 'published' | 'partially_published' | 'failed' | 'cancelled';
export type DeliveryStatus = 'pending_approval' | 'approved' | 'publishing' | 'published' | 'failed' | 'skipped' | 'cancelled';

/** Status shown with a word and a colour, never the colour alone. */
export function StatusBadge({ status, kind = 'post' }: { status: string; kind?: 'post' | 'delivery' | 'channel' }) {
  useLang();
  const key = `${kind}Status.${status}` as MessageKey;
  const label = t(key);
  return <span class={`badge status-${status}`}>{label === key ? status : label}</span>;
}

export function PageTitle({ children }: { children: ComponentChildren }) {
  useEffect(() => {
    const heading = document.querySelector('main h1');
    if (heading) document.title = `${heading.textContent ?? ''} · Chorus`;
  });
  return <h1 tabIndex={-1}>{children}</h1>;
}

/** A network's own words (an error, a reason), as it gave them: folded away, marked as its language. */
export function NetworkMessage({ text }: { text: string }) {
  useLang();
  return (
    <details class="small network-message">
      <summary>{t('common.networkMessage')}</summary>
      <p lang="en" class="wrap-anywhere">
        {text}
      </p>
    </details>
  );
}

/** A short mark per network, drawn in its colour (decorative: the name is always written next to it). */
const NETWORK_MARKS: Record<string, string> = { x: '𝕏', facebook: 'f', instagram: '◎', linkedin: 'in', mastodon: 'M', bluesky: 'b', sandbox: '◇' };

/**
 * An account as every page names it: the network's mark and name, the handle, and the display name
 * when it says more (the demo's simulated accounts share handles across networks).
 */
export function ChannelName({ network, handle, displayName }: { network: string; handle: string; displayName?: string | null }) {
  return (
    <span class="channel-name">
      <span class={`net-icon net-${network}`} aria-hidden="true">
        {NETWORK_MARKS[network] ?? '•'}
      </span>
      <span class="net">{NETWORK_LABELS[network] ?? network}</span> <span class="handle">{handle}</span>
      {displayName && displayName !== handle && <span class="muted small"> · {displayName}</span>}
    </span>
  );
}

export const NETWORK_LABELS: Record<string, string> = {
  x: 'X',
  facebook: 'Facebook',
  instagram: 'Instagram',
  linkedin: 'LinkedIn',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  sandbox: 'Sandbox',
};
