import { useEffect, useState } from 'preact/hooks';

/** The pages live under /app; links are plain <a href="/app/…"> and are intercepted here. */
export const BASE = '/app';

const listeners = new Set<() => void>();

export function currentPath(): string {
  const { pathname } = location;
  // '/approve/…' (the address in approval e-mails) also begins with '/app': only '/app' itself or '/app/…' is ours.
  const path = pathname === BASE || pathname.startsWith(BASE + '/') ? pathname.slice(BASE.length) : pathname;
  return path === '' ? '/' : path;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = path === BASE || path.startsWith(BASE + '/') ? path : BASE + path;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((l) => l());
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener('popstate', update);
    update(); // a navigation may have happened before this subscription
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Same-tab clicks on /app links move without reloading the page. */
export function interceptLinks(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const href = anchor.getAttribute('href');
    if (!href || !href.startsWith(BASE + '/') && href !== BASE) return;
    event.preventDefault();
    navigate(href);
  });
}

export function query(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/** The address's query string, re-rendering the caller when a navigation changes only it. */
export function useSearch(): string {
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    const update = () => setSearch(location.search);
    listeners.add(update);
    window.addEventListener('popstate', update);
    update();
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return search;
}
