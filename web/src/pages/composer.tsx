import { useMemo, useRef, useState } from 'preact/hooks';
import type { Network } from '../../../src/channels/network';
import type { MessageKey } from '../messages';
import { NETWORK_RULES } from '../../../src/campaigns/posts/validation/network-rules';
import { validatePost, type PostDraft, type PostMedia } from '../../../src/campaigns/posts/validation/validate-post';
import { ApiError, get, patch, post } from '../api';
import { ChannelName, ErrorBox, Loaded, NETWORK_LABELS, PageTitle, useAsync } from '../components/ui';
import { formatDateTime, t, useLang } from '../i18n';
import { problemText } from '../problems';
import { navigate } from '../router';
import { instantsForLocal, localInputValue, offsetLabel, offsetMinutes, withOffset } from '../time';

interface ComposerChannel {
  id: string;
  network: Network;
  handle: string;
  displayName: string | null;
  status: string;
  maxCharacters: number | null;
}
interface ComposerData {
  campaign: { id: string; name: string; timeZone: string; startsAt: string; endsAt: string; operatorPartnerId: string | null };
  tracks: { id: string; name: string }[];
  actions: { id: string; title: string; occursAt: string; trackId: string | null }[];
  partners: { id: string; slug: string; name: string; kind: string; channels: ComposerChannel[] }[];
  mentions: { slug: string; name: string; handles: Partial<Record<Network, string>> }[];
}

export function ComposerPage({ campaignId }: { campaignId: string }) {
  useLang();
  const data = useAsync(() => get<ComposerData>(`/api/web/campaigns/${campaignId}/composer`), [campaignId]);
  return <Loaded state={data}>{(d) => <Composer data={d} />}</Loaded>;
}

/** A post as GET /api/posts/:id gives it: what the composer starts from when editing. */
export interface EditablePost {
  id: string;
  campaignId: string;
  trackId: string | null;
  actionId: string | null;
  baseText: string;
  variants: Partial<Record<Network, string>>;
  link: string | null;
  media: PostMedia[];
  featuredPartnerIds: string[];
  scheduledAt: string;
  version: number;
  submittedAt: string | null;
  deliveries: { channelId: string; status: string }[];
}

/** The same composer, filled with the post: saving PATCHes only what changed. */
export function EditPostPage({ postId }: { postId: string }) {
  useLang();
  const data = useAsync(async () => {
    const current = await get<EditablePost>(`/api/posts/${postId}`);
    return { current, composer: await get<ComposerData>(`/api/web/campaigns/${current.campaignId}/composer`) };
  }, [postId]);
  return <Loaded state={data}>{(d) => <Composer data={d.composer} editing={d.current} />}</Loaded>;
}

const cleanVariants = (variants: Partial<Record<Network, string>>, networks: Network[]) =>
  Object.fromEntries(Object.entries(variants).filter(([net, text]) => text && text.trim() && networks.includes(net as Network)));
const cleanMedia = (media: PostMedia[]) => media.map((m) => ({ url: m.url.trim(), altText: m.altText?.trim() || undefined, type: m.type }));
const sameSet = (a: Iterable<string>, b: Iterable<string>) => {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

function defaultSchedule(data: ComposerData): string {
  // Tomorrow at 09:00 in the campaign's zone, or the campaign's start if that is later.
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  const start = new Date(data.campaign.startsAt);
  const base = start > tomorrow ? start : tomorrow;
  return localInputValue(base, data.campaign.timeZone).slice(0, 10) + 'T09:00';
}

function Composer({ data, editing }: { data: ComposerData; editing?: EditablePost }) {
  const zone = data.campaign.timeZone;
  const initialChannels = editing ? editing.deliveries.filter((d) => d.status !== 'cancelled').map((d) => d.channelId) : [];
  const initialSchedule = editing ? localInputValue(editing.scheduledAt, zone).slice(0, 16) : defaultSchedule(data);
  const [selected, setSelected] = useState<Set<string>>(new Set(initialChannels));
  const [baseText, setBaseText] = useState(editing?.baseText ?? '');
  const [variants, setVariants] = useState<Partial<Record<Network, string>>>(editing?.variants ?? {});
  const [link, setLink] = useState(editing?.link ?? '');
  const [media, setMedia] = useState<PostMedia[]>(editing?.media ?? []);
  const [featured, setFeatured] = useState<Set<string>>(new Set(editing?.featuredPartnerIds ?? []));
  const [scheduledAt, setScheduledAt] = useState(initialSchedule);
  const [trackId, setTrackId] = useState(editing?.trackId ?? '');
  const [actionId, setActionId] = useState(editing?.actionId ?? '');
  const [notice, setNotice] = useState<string | null>(null);
  const [mentionSlug, setMentionSlug] = useState(data.mentions[0]?.slug ?? '');
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [showProblems, setShowProblems] = useState(false);
  const [busy, setBusy] = useState(false);
  /** For a wall time the clock shows twice: which of its two instants (ISO), chosen by the user. */
  const [ambiguousPick, setAmbiguousPick] = useState<string | null>(null);
  const lastText = useRef<{ el: HTMLTextAreaElement; network: Network | null } | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  const channels = useMemo(() => {
    const all = new Map<string, ComposerChannel & { partnerSlug: string; partnerName: string }>();
    for (const p of data.partners) for (const c of p.channels) all.set(c.id, { ...c, partnerSlug: p.slug, partnerName: p.name });
    return all;
  }, [data]);

  const targets = [...selected].map((id) => channels.get(id)!).filter(Boolean);
  const networks = [...new Set(targets.map((c) => c.network))];

  const draft: PostDraft = {
    baseText,
    variants,
    link: link.trim() || null,
    media,
    partners: data.mentions,
    targets: targets.map((c) => ({ channelId: c.id, network: c.network, partnerSlug: c.partnerSlug, handle: c.handle, maxCharacters: c.maxCharacters })),
  };
  // The very function the API runs on create: same counts, same problems.
  const validation = validatePost(draft);
  const whoByChannel = new Map(targets.map((c) => [c.id, c.handle]));
  // Editing: a content change makes a new version that partners approve again; a date change alone does not.
  const contentChanged =
    !editing ||
    baseText !== editing.baseText ||
    JSON.stringify(cleanVariants(variants, networks)) !== JSON.stringify(cleanVariants(editing.variants, networks)) ||
    link.trim() !== (editing.link ?? '') ||
    JSON.stringify(cleanMedia(media)) !== JSON.stringify(cleanMedia(editing.media)) ||
    !sameSet(featured, editing.featuredPartnerIds) ||
    !sameSet(selected, initialChannels);
  const postProblems = validation.problems.filter((p) => !p.channelId);

  // The schedule, checked as the API will: a time the clock skips, a time it shows twice (the
  // user picks one of the two), a time already past. An unchanged date of an edited post is not sent.
  const scheduleChanged = !editing || scheduledAt !== initialSchedule;
  const instants = useMemo(() => instantsForLocal(scheduledAt, zone), [scheduledAt, zone]);
  const pickedInstant = instants.length === 2 ? instants.find((i) => i.toISOString() === ambiguousPick) ?? null : (instants[0] ?? null);
  const scheduleProblem: MessageKey | null = !scheduleChanged
    ? null
    : !scheduledAt || (instants.length === 0 && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(scheduledAt))
      ? 'schedule.invalid_datetime'
      : instants.length === 0
        ? 'schedule.nonexistent_local_time'
        : !pickedInstant
          ? 'schedule.ambiguous_local_time'
          : pickedInstant.getTime() < Date.now()
            ? 'schedule.time_in_past'
            : null;
  /** What goes to the API: the wall time, with its offset when the user picked one of two. */
  const scheduleForApi = instants.length === 2 && pickedInstant ? withOffset(scheduledAt, pickedInstant, zone) : scheduledAt;

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }
  function togglePartner(partnerId: string, on: boolean) {
    const next = new Set(selected);
    for (const c of data.partners.find((p) => p.id === partnerId)!.channels) {
      if (c.status === 'disabled') continue;
      if (on) next.add(c.id);
      else next.delete(c.id);
    }
    setSelected(next);
  }

  function insertMention() {
    if (!mentionSlug) return;
    const token = `{{partner:${mentionSlug}}}`;
    const target = lastText.current;
    const el = target?.el ?? (document.getElementById('compose-base') as HTMLTextAreaElement | null);
    const network = target?.network ?? null;
    const current = network ? (variants[network] ?? '') : baseText;
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    const next = current.slice(0, start) + token + current.slice(end);
    if (network) setVariants({ ...variants, [network]: next });
    else setBaseText(next);
    const partner = data.partners.find((p) => p.slug === mentionSlug);
    if (partner) setFeatured(new Set([...featured, partner.id]));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  /** The submit button sends for approval; "save as draft" only saves (no partner is asked yet). */
  const asDraft = useRef(false);

  async function submit(event: Event) {
    event.preventDefault();
    const draftOnly = asDraft.current;
    asDraft.current = false;
    setSubmitError(null);
    setNotice(null);
    if (editing) return saveEdit();
    if (!validation.ok || scheduleProblem) {
      setShowProblems(true);
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setBusy(true);
    try {
      const body = {
        baseText,
        variants: Object.fromEntries(Object.entries(variants).filter(([net, text]) => text && text.trim() && networks.includes(net as Network))),
        link: link.trim() || undefined,
        media: media.length ? media.map((m) => ({ url: m.url.trim(), altText: m.altText?.trim() || undefined, type: m.type })) : undefined,
        featuredPartnerIds: [...featured],
        channelIds: [...selected],
        // Local wall-clock time: the API reads it in the campaign's zone.
        scheduledAt: scheduleForApi,
        trackId: trackId || undefined,
        actionId: actionId || undefined,
      };
      const created = await post<{ id: string }>(`/api/campaigns/${data.campaign.id}/posts`, body);
      if (draftOnly) {
        navigate(`/posts/${created.id}?draft=1`);
        return;
      }
      await post(`/api/posts/${created.id}/submit`);
      navigate(`/posts/${created.id}?submitted=1`);
    } catch (err) {
      setSubmitError(err);
      setBusy(false);
      requestAnimationFrame(() => summaryRef.current?.focus());
    }
  }

  async function saveEdit() {
    if (!editing) return;
    if ((contentChanged && !validation.ok) || scheduleProblem) {
      setShowProblems(true);
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    const body: Record<string, unknown> = {};
    if (contentChanged) {
      Object.assign(body, {
        baseText,
        variants: cleanVariants(variants, networks),
        link: link.trim(), // '' removes the link
        media: cleanMedia(media),
        featuredPartnerIds: [...featured],
        channelIds: [...selected],
      });
    }
    if (scheduledAt !== initialSchedule) body.scheduledAt = scheduleForApi;
    if (trackId !== (editing.trackId ?? '')) body.trackId = trackId || null;
    if (actionId !== (editing.actionId ?? '')) body.actionId = actionId || null;
    if (Object.keys(body).length === 0) {
      setNotice(t('composer.nothingChanged'));
      return;
    }
    setBusy(true);
    try {
      const saved = await patch<{ id: string; version: number }>(`/api/posts/${editing.id}`, body);
      navigate(`/posts/${saved.id}?${contentChanged ? `edited=${saved.version}` : 'rescheduled=1'}`);
    } catch (err) {
      setSubmitError(err);
      setBusy(false);
      requestAnimationFrame(() => summaryRef.current?.focus());
    }
  }

  const serverProblems =
    submitError instanceof ApiError && submitError.code === 'post_invalid_for_network'
      ? (((submitError.details as { problems?: unknown[] } | undefined)?.problems ?? []) as typeof validation.problems)
      : [];

  return (
    <section class="composer">
      <p class="breadcrumb">
        <a href={`/app/campaigns/${data.campaign.id}`}>{data.campaign.name}</a>
        {editing && (
          <>
            {' › '}
            <a href={`/app/posts/${editing.id}`}>{t('composer.backToPost')}</a>
          </>
        )}
      </p>
      <PageTitle>{editing ? t('composer.editTitle') : t('composer.title')}</PageTitle>
      {editing && (
        <p class="alert alert-warn" data-testid="edit-notice">
          {t('composer.editNotice', { version: editing.version, next: editing.version + 1 })}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <div class="composer-grid">
          <div class="composer-edit stack">
            <fieldset class="card">
              <legend>{t('composer.targets')}</legend>
              <p class="muted small">{t('composer.targetsHelp')}</p>
              {data.partners.map((p) => {
                const usable = p.channels.filter((c) => c.status !== 'disabled');
                const allOn = usable.length > 0 && usable.every((c) => selected.has(c.id));
                return (
                  <fieldset class="partner-group" key={p.id}>
                    <legend>
                      {p.name}
                      {p.id === data.campaign.operatorPartnerId && <span class="muted small"> · {t('composer.operator')}</span>}
                    </legend>
                    {p.channels.length === 0 && <p class="muted small">{t('composer.noChannels')}</p>}
                    {usable.length > 1 && (
                      <button type="button" class="link-button small" onClick={() => togglePartner(p.id, !allOn)}>
                        {allOn ? t('composer.noneOfPartner') : t('composer.allOfPartner')}
                        {/* Told apart for screen readers: every partner has one. */}
                        <span class="visually-hidden"> {t('composer.ofPartner', { partner: p.name })}</span>
                      </button>
                    )}
                    <ul class="checklist">
                      {p.channels.map((c) => (
                        <li key={c.id}>
                          <label>
                            <input type="checkbox" value={c.id} checked={selected.has(c.id)} disabled={c.status === 'disabled'} onChange={() => toggle(c.id)} />{' '}
                            <ChannelName network={c.network} handle={c.handle} displayName={c.displayName} />
                            {c.status === 'needs_reauth' && <span class="badge status-needs_reauth">{t('channelStatus.needs_reauth')}</span>}
                            {c.status === 'disabled' && <span class="badge status-disabled">{t('channelStatus.disabled')}</span>}
                          </label>
                        </li>
                      ))}
                    </ul>
                  </fieldset>
                );
              })}
            </fieldset>

            <div class="card stack">
              <div class="field">
                <label for="compose-base">{t('composer.baseText')}</label>
                <textarea
                  id="compose-base"
                  rows={6}
                  value={baseText}
                  onInput={(e) => setBaseText(e.currentTarget.value)}
                  onFocus={(e) => (lastText.current = { el: e.currentTarget, network: null })}
                  aria-describedby="compose-base-help"
                />
                <p id="compose-base-help" class="muted small">
                  {t('composer.baseTextHelp')}
                </p>
              </div>
              <div class="field inline-field">
                <label for="compose-mention">{t('composer.mention')}</label>
                <div class="row">
                  <select id="compose-mention" value={mentionSlug} onChange={(e) => setMentionSlug(e.currentTarget.value)}>
                    {data.mentions.map((m) => (
                      <option value={m.slug} key={m.slug}>
                        {m.name}
                      </option>
                    ))}
                  </select>
                  <button type="button" onClick={insertMention}>
                    {t('composer.insertMention')}
                  </button>
                </div>
              </div>
              {networks.map((net) => (
                <details key={net} open={!!variants[net]}>
                  <summary>{t('composer.variantFor', { network: NETWORK_LABELS[net] ?? net })}</summary>
                  <div class="field">
                    <label for={`compose-variant-${net}`}>{t('composer.variantLabel', { network: NETWORK_LABELS[net] ?? net })}</label>
                    <textarea
                      id={`compose-variant-${net}`}
                      rows={4}
                      value={variants[net] ?? ''}
                      onInput={(e) => setVariants({ ...variants, [net]: e.currentTarget.value })}
                      onFocus={(e) => (lastText.current = { el: e.currentTarget, network: net })}
                    />
                  </div>
                </details>
              ))}
              <div class="field">
                <label for="compose-link">{t('composer.link')}</label>
                <input id="compose-link" type="url" inputMode="url" placeholder="https://" value={link} onInput={(e) => setLink(e.currentTarget.value)} />
              </div>
              <fieldset>
                <legend>{t('composer.media')}</legend>
                {media.map((m, i) => (
                  <div class="media-row" key={i}>
                    <div class="field">
                      <label for={`media-url-${i}`}>{t('composer.mediaUrl', { n: i + 1 })}</label>
                      <input id={`media-url-${i}`} type="url" value={m.url} onInput={(e) => setMedia(media.map((x, j) => (j === i ? { ...x, url: e.currentTarget.value } : x)))} />
                    </div>
                    <div class="field">
                      <label for={`media-type-${i}`}>{t('composer.mediaType')}</label>
                      <select id={`media-type-${i}`} value={m.type} onChange={(e) => setMedia(media.map((x, j) => (j === i ? { ...x, type: e.currentTarget.value as 'image' | 'video' } : x)))}>
                        <option value="image">{t('composer.image')}</option>
                        <option value="video">{t('composer.video')}</option>
                      </select>
                    </div>
                    <div class="field">
                      <label for={`media-alt-${i}`}>{t('composer.mediaAlt')}</label>
                      <input id={`media-alt-${i}`} value={m.altText ?? ''} onInput={(e) => setMedia(media.map((x, j) => (j === i ? { ...x, altText: e.currentTarget.value } : x)))} />
                    </div>
                    <button type="button" class="link-button" onClick={() => setMedia(media.filter((_, j) => j !== i))}>
                      {t('composer.removeMedia', { n: i + 1 })}
                    </button>
                  </div>
                ))}
                <button type="button" onClick={() => setMedia([...media, { url: '', altText: '', type: 'image' }])}>
                  {t('composer.addMedia')}
                </button>
              </fieldset>
              <div class="row wrap">
                <div class="field">
                  <label for="compose-when">{t('composer.when', { zone })}</label>
                  <input
                    id="compose-when"
                    type="datetime-local"
                    required
                    value={scheduledAt}
                    onInput={(e) => {
                      setScheduledAt(e.currentTarget.value);
                      setAmbiguousPick(null);
                    }}
                    aria-invalid={scheduleProblem && scheduleProblem !== 'schedule.ambiguous_local_time' ? 'true' : undefined}
                    aria-describedby="compose-when-help"
                  />
                  <p id="compose-when-help" class={scheduleProblem ? 'field-error' : 'muted small'}>
                    {scheduleProblem ? t(scheduleProblem, { now: formatDateTime(new Date()) }) : pickedInstant ? t('composer.whenHelp', { when: formatDateTime(pickedInstant) }) : ''}
                  </p>
                  {instants.length === 2 && (
                    <fieldset class="radios" data-testid="ambiguous-time">
                      <legend class="visually-hidden">{t('schedule.ambiguous_local_time')}</legend>
                      {instants.map((instant, i) => (
                        <label class="radio" key={instant.toISOString()}>
                          <input type="radio" name="compose-when-pick" checked={ambiguousPick === instant.toISOString()} onChange={() => setAmbiguousPick(instant.toISOString())} />
                          {t(i === 0 ? 'composer.firstOccurrence' : 'composer.secondOccurrence', { time: scheduledAt.slice(11, 16), offset: offsetLabel(offsetMinutes(instant.getTime(), zone)) })}
                        </label>
                      ))}
                    </fieldset>
                  )}
                </div>
                {data.tracks.length > 0 && (
                  <div class="field">
                    <label for="compose-track">{t('composer.track')}</label>
                    <select id="compose-track" value={trackId} onChange={(e) => setTrackId(e.currentTarget.value)}>
                      <option value="">{t('common.none')}</option>
                      {data.tracks.map((tr) => (
                        <option value={tr.id} key={tr.id}>
                          {tr.name}
                        </option>
                      ))}
                    </select>
                  </div>
                )}
                {data.actions.length > 0 && (
                  <div class="field">
                    <label for="compose-action">{t('composer.action')}</label>
                    <select id="compose-action" value={actionId} onChange={(e) => setActionId(e.currentTarget.value)}>
                      <option value="">{t('common.none')}</option>
                      {data.actions.map((a) => (
                        <option value={a.id} key={a.id}>
                          {a.title}
                        </option>
                      ))}
                    </select>
                  </div>
                )}
              </div>
            </div>
          </div>

          {/* It scrolls on its own on a desktop: focusable, so a keyboard can scroll it too. */}
          <aside class="composer-preview stack" aria-label={t('composer.previews')} tabIndex={0}>
            <h2>{t('composer.previews')}</h2>
            {targets.length === 0 && <p class="muted">{t('composer.pickChannels')}</p>}
            {validation.targets.map((target) => {
              const c = channels.get(target.channelId)!;
              const over = target.length.used > target.length.max;
              return (
                <article class={`preview card${target.problems.length ? ' has-problems' : ''}`} key={target.channelId} data-channel={target.channelId}>
                  <header class="row between">
                    <strong>
                      <ChannelName network={c.network} handle={c.handle} displayName={c.displayName} />
                    </strong>
                    <span class={`counter${over ? ' over' : ''}`} data-testid="counter">
                      {t('composer.counter', { used: target.length.used, max: target.length.max })}
                      <span class="visually-hidden"> {t(`unit.${target.length.unit}`)}</span>
                    </span>
                  </header>
                  <p class="muted small">{c.partnerName}</p>
                  <div class="preview-text">{target.text || <span class="muted">{t('composer.emptyPreview')}</span>}</div>
                  {target.problems.length > 0 && (
                    <ul class="problems">
                      {target.problems.map((p, i) => (
                        <li key={i}>{problemText(p, whoByChannel)}</li>
                      ))}
                    </ul>
                  )}
                </article>
              );
            })}
            {postProblems.length > 0 && targets.length > 0 && (
              <ul class="problems">
                {postProblems.map((p, i) => (
                  <li key={i}>{problemText(p, whoByChannel)}</li>
                ))}
              </ul>
            )}
          </aside>
        </div>

        <div class="submit-bar card">
          <div ref={summaryRef} tabIndex={-1} class="summary" role="status" aria-live="polite">
            {showProblems && scheduleProblem && (
              <div class="alert alert-error">
                <p>{t('composer.fixSchedule')}</p>
              </div>
            )}
            {showProblems && !validation.ok && (
              <div class="alert alert-error">
                <p>
                  <strong>{t('composer.problemsTitle', { count: validation.problems.length })}</strong>
                </p>
                <ul>
                  {validation.problems.map((p, i) => (
                    <li key={i}>{problemText(p, whoByChannel)}</li>
                  ))}
                </ul>
              </div>
            )}
            {serverProblems.length > 0 ? (
              <div class="alert alert-error">
                <ul>
                  {serverProblems.map((p, i) => (
                    <li key={i}>{problemText(p, whoByChannel)}</li>
                  ))}
                </ul>
              </div>
            ) : (
              <ErrorBox error={submitError} />
            )}
          </div>
          {notice && (
            <p class="alert alert-warn" role="status">
              {notice}
            </p>
          )}
          <p class="muted small">
            {validation.ok
              ? t('composer.readyHint', { count: targets.length, partners: new Set(targets.map((c) => c.partnerSlug)).size })
              : t('composer.problemCount', { count: validation.problems.length })}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            {editing
              ? busy
                ? t('composer.saving')
                : contentChanged && editing.submittedAt
                  ? t('composer.saveReapprove')
                  : t('composer.save')
              : busy
                ? t('composer.submitting')
                : t('composer.submit')}
          </button>
          {!editing && (
            <button type="submit" disabled={busy} onClick={() => (asDraft.current = true)}>
              {t('composer.saveDraft')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
