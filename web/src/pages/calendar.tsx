import { useState } from 'preact/hooks';
import { get } from '../api';
import { ErrorBox, Loaded, PageTitle, StatusBadge, useAsync } from '../components/ui';
import { formatDayLong, formatDayShort, formatMonthYear, formatTime, formatWeekday, t, useLang } from '../i18n';
import type { MessageKey } from '../messages';
import { query } from '../router';
import { useUser } from '../session';
import { addDays, addMonths, dayKey, keyToDate, startOfMonth, startOfWeek } from '../time';

interface CalendarPost {
  id: string;
  scheduledAt: string;
  status: string;
  excerpt: string;
  trackId: string | null;
  actionId: string | null;
  partnerIds: string[];
  featuredPartnerIds: string[];
}
interface CalendarData {
  campaign: { id: string; name: string; objective: string; timeZone: string; startsAt: string; endsAt: string };
  tracks: { id: string; name: string }[];
  partners: { id: string; slug: string; name: string }[];
  actions: { id: string; title: string; description: string; occursAt: string; trackId: string | null }[];
  posts: CalendarPost[];
}

export const CALENDAR_STATUSES = ['draft', 'awaiting_approval', 'rejected', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled'];

export function CalendarPage({ campaignId }: { campaignId: string }) {
  useLang();
  const data = useAsync(() => get<CalendarData>(`/api/web/campaigns/${campaignId}/calendar`), [campaignId]);
  return <Loaded state={data}>{(d) => <Calendar data={d} />}</Loaded>;
}

function initialDay(data: CalendarData): string {
  const asked = query().get('day');
  if (asked && /^\d{4}-\d{2}-\d{2}$/.test(asked)) return asked;
  const now = Date.now();
  const start = Date.parse(data.campaign.startsAt);
  const end = Date.parse(data.campaign.endsAt);
  return dayKey(new Date(now < start || now > end ? start : now));
}

function Calendar({ data }: { data: CalendarData }) {
  const user = useUser();
  const [view, setView] = useState<'month' | 'week'>(query().get('view') === 'week' ? 'week' : 'month');
  const [day, setDay] = useState(initialDay(data));
  const [trackId, setTrackId] = useState('');
  const [partnerId, setPartnerId] = useState('');
  const [feedUrl, setFeedUrl] = useState<string | null>(null);
  const [feedError, setFeedError] = useState<unknown>(null);

  const posts = data.posts.filter(
    (p) => (!trackId || p.trackId === trackId) && (!partnerId || p.partnerIds.includes(partnerId) || p.featuredPartnerIds.includes(partnerId)),
  );
  const actions = data.actions.filter((a) => !trackId || a.trackId === trackId);
  const postsByDay = groupBy(posts, (p) => dayKey(p.scheduledAt));
  const actionsByDay = groupBy(actions, (a) => dayKey(a.occursAt));

  let first: string;
  let last: string;
  if (view === 'month') {
    first = startOfWeek(startOfMonth(day));
    const monthEnd = addDays(addMonths(day, 1), -1);
    last = addDays(startOfWeek(monthEnd), 6);
  } else {
    first = startOfWeek(day);
    last = addDays(first, 6);
  }
  const days: string[] = [];
  for (let k = first; k <= last; k = addDays(k, 1)) days.push(k);
  const month = day.slice(0, 7);
  const today = dayKey(new Date());
  // Only the first letter is a capital ('Semaine du 7 déc.', 'Décembre 2026'), as French writes it.
  const title = capitalizeFirst(view === 'month' ? formatMonthYear(keyToDate(startOfMonth(day))) : t('calendar.weekOf', { day: formatDayShort(keyToDate(first)) }));
  const move = (n: number) => setDay(view === 'month' ? addMonths(day, n) : addDays(day, 7 * n));
  const trackName = new Map(data.tracks.map((tr) => [tr.id, tr.name]));
  // Excerpts show partners by name rather than as raw {{partner:slug}} placeholders.
  const nameBySlug = new Map(data.partners.map((p) => [p.slug, p.name]));
  const readable = (text: string) => text.replace(/\{\{\s*partner\s*:\s*([^{}\s]*)\s*\}\}/g, (whole, slug: string) => nameBySlug.get(slug) ?? whole);

  async function showFeed() {
    setFeedError(null);
    try {
      setFeedUrl((await get<{ url: string }>(`/api/web/campaigns/${data.campaign.id}/calendar-feed`)).url);
    } catch (err) {
      setFeedError(err);
    }
  }

  return (
    <section class="calendar">
      <PageTitle>{data.campaign.name}</PageTitle>
      {data.campaign.objective && <p class="objective">{data.campaign.objective}</p>}
      <p class="actions row wrap">
        {user?.role === 'manager' && (
          <a class="button primary" href={`/app/campaigns/${data.campaign.id}/compose`}>
            {t('calendar.newPost')}
          </a>
        )}
        <a class="button" href={`/app/campaigns/${data.campaign.id}/indicators`}>
          {t('home.indicators')}
        </a>
        <a class="button" href={`/app/campaigns/${data.campaign.id}/customers`}>
          {t('customers.nav')}
        </a>
        <a class="button" href={`/api/campaigns/${data.campaign.id}/calendar.ics`} download={`${data.campaign.name}.ics`}>
          {t('calendar.downloadIcs')}
        </a>
        <button type="button" onClick={showFeed}>
          {t('calendar.subscribe')}
        </button>
      </p>
      {feedUrl && (
        <div class="field card">
          <label for="feed-url">{t('calendar.feedLabel')}</label>
          <input id="feed-url" readOnly value={feedUrl} onFocus={(e) => e.currentTarget.select()} />
          <p class="muted small">{t('calendar.feedHelp')}</p>
        </div>
      )}
      <ErrorBox error={feedError} />

      <div class="toolbar row wrap">
        <div class="row" role="group" aria-label={t('calendar.navigation')}>
          <button type="button" onClick={() => move(-1)} aria-label={view === 'month' ? t('calendar.prevMonth') : t('calendar.prevWeek')}>
            ‹
          </button>
          <button type="button" onClick={() => setDay(today)}>
            {t('calendar.today')}
          </button>
          <button type="button" onClick={() => move(1)} aria-label={view === 'month' ? t('calendar.nextMonth') : t('calendar.nextWeek')}>
            ›
          </button>
        </div>
        <h2 class="period" aria-live="polite">
          {title}
        </h2>
        <div class="row" role="group" aria-label={t('calendar.view')}>
          <button type="button" aria-pressed={view === 'month'} onClick={() => setView('month')}>
            {t('calendar.month')}
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => setView('week')}>
            {t('calendar.week')}
          </button>
        </div>
        <div class="field inline">
          <label for="filter-track">{t('calendar.track')}</label>
          <select id="filter-track" value={trackId} onChange={(e) => setTrackId(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {data.tracks.map((tr) => (
              <option key={tr.id} value={tr.id}>
                {tr.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="filter-partner">{t('calendar.partner')}</label>
          <select id="filter-partner" value={partnerId} onChange={(e) => setPartnerId(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {data.partners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p class="muted small">{t('calendar.zoneNote')}</p>

      <ol class={`cal-grid view-${view}`} aria-label={title}>
        {days.slice(0, 7).map((k) => (
          <li class="cal-head" aria-hidden="true" key={`h${k}`}>
            {formatWeekday(keyToDate(k))}
          </li>
        ))}
        {days.map((k) => {
          const dayPosts = postsByDay.get(k) ?? [];
          const dayActions = actionsByDay.get(k) ?? [];
          const outside = view === 'month' && k.slice(0, 7) !== month;
          const empty = dayPosts.length === 0 && dayActions.length === 0;
          return (
            <li key={k} class={`cal-day${outside ? ' outside' : ''}${k === today ? ' today' : ''}${empty ? ' empty' : ''}`}>
              <h3 class="cal-date">
                <span class="visually-hidden-narrow">{capitalizeFirst(formatDayLong(keyToDate(k)))}</span>
                <span aria-hidden="true" class="day-num">
                  {Number(k.slice(8))}
                </span>
              </h3>
              <ul class="cal-items">
                {dayActions.map((a) => (
                  <li key={a.id} class="cal-action" title={a.description}>
                    <span aria-hidden="true">◆ </span>
                    <span class="visually-hidden">{t('calendar.milestone')} : </span>
                    {formatTime(a.occursAt)} {a.title}
                  </li>
                ))}
                {dayPosts.map((p) => (
                  <li key={p.id}>
                    <a class={`cal-post status-${p.status}`} href={`/app/posts/${p.id}`}>
                      <span class="time">{formatTime(p.scheduledAt)}</span> <span class="excerpt">{readable(p.excerpt)}</span>{' '}
                      <span class="visually-hidden">({t(`postStatus.${p.status}` as MessageKey)})</span>
                      {p.trackId && view === 'week' && <span class="muted small"> · {trackName.get(p.trackId)}</span>}
                    </a>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
      <div class="legend" aria-label={t('calendar.legend')}>
        {CALENDAR_STATUSES.map((s) => (
          <StatusBadge key={s} status={s} />
        ))}
        <span class="badge cal-action-legend">◆ {t('calendar.milestone')}</span>
      </div>
    </section>
  );
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
