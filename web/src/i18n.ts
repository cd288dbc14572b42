import { useEffect, useState } from 'preact/hooks';
import { DISPLAY_ZONE } from './time';
import { en, fr, type MessageKey } from './messages';

/** French by default; English on request (remembered in this browser). */
export type Lang = 'fr' | 'en';
const STORAGE_KEY = 'chorus.lang';
const listeners = new Set<() => void>();

let lang: Lang = readStoredLang() ?? 'fr';

function readStoredLang(): Lang | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'fr' || stored === 'en' ? stored : null;
  } catch {
    return null;
  }
}

export function currentLang(): Lang {
  return lang;
}

export function hasStoredLang(): boolean {
  return readStoredLang() !== null;
}

export function setLang(next: Lang, options: { remember?: boolean } = { remember: true }): void {
  lang = next;
  if (options.remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }
  document.documentElement.lang = next;
  formatters.clear();
  listeners.forEach((l) => l());
}

/** Re-renders the calling component when the language changes. */
export function useLang(): Lang {
  const [, force] = useState(0);
  const seen = lang;
  useEffect(() => {
    const update = () => force((n) => n + 1);
    listeners.add(update);
    if (seen !== lang) update(); // changed between the render and this subscription
    return () => void listeners.delete(update);
  }, []);
  return lang;
}

/** The message for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = (lang === 'en' ? en : fr)[key] ?? fr[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** Intl locale for numbers and dates: the browser's own variant when it speaks the chosen language. */
export function intlLocale(): string {
  const preferred = (typeof navigator !== 'undefined' ? navigator.languages : undefined) ?? [];
  const match = preferred.find((l) => l.toLowerCase().startsWith(lang));
  return match ?? (lang === 'fr' ? 'fr-FR' : 'en-GB');
}

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dateFormatter(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d:${name}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(), { timeZone: DISPLAY_ZONE, ...options });
    formatters.set(key, f);
  }
  return f;
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  const key = `n:${JSON.stringify(options ?? {})}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(intlLocale(), options);
    formatters.set(key, f);
  }
  return f.format(value);
}

export const formatPercent = (value: number) => formatNumber(value, { style: 'percent', maximumFractionDigits: 1 });

const toDate = (v: string | Date) => (typeof v === 'string' ? new Date(v) : v);
/** '12 mars 2026 à 09:30' in Paris time. */
export const formatDateTime = (v: string | Date) => dateFormatter('dt', { dateStyle: 'medium', timeStyle: 'short' }).format(toDate(v));
export const formatDate = (v: string | Date) => dateFormatter('d', { dateStyle: 'medium' }).format(toDate(v));
export const formatTime = (v: string | Date) => dateFormatter('t', { hour: '2-digit', minute: '2-digit' }).format(toDate(v));
export const formatMonthYear = (v: Date) => dateFormatter('my', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(v);
export const formatWeekday = (v: Date) => dateFormatter('wd', { weekday: 'short', timeZone: 'UTC' }).format(v);
export const formatDayLong = (v: Date) => dateFormatter('dl', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(v);
export const formatDayShort = (v: Date) => dateFormatter('ds', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(v);
