import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { get, patch, post } from '../api';
import { localInputValue } from '../time';
import { problemsForField } from '../errors';
import { ErrorBox, Loaded, NETWORK_LABELS, PageTitle, useAsync } from '../components/ui';
import { t, useLang } from '../i18n';
import type { MessageKey } from '../messages';
import { useUser } from '../session';

interface Partner {
  id: string;
  slug: string;
  name: string;
}
interface Campaign {
  id: string;
  slug: string;
  name: string;
}
interface Track {
  id: string;
  name: string;
}

/** 'Le Carillon — 18e' → 'le-carillon-18e': what the API accepts as an identifier. */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/**
 * An identifier filled in from the name as it is typed, until the user edits it by hand.
 * Returns [slug, setSlug (by hand), onName(setName, value)].
 */
function useSlugFrom(name: string) {
  const [slug, setSlugState] = useState('');
  const [byHand, setByHand] = useState(false);
  const setSlug = (value: string) => {
    setByHand(value !== '' && value !== slugify(name));
    setSlugState(value);
  };
  const onName = (setName: (v: string) => void, value: string) => {
    setName(value);
    if (!byHand) setSlugState(slugify(value));
  };
  return [slug, setSlug, onName] as const;
}

const KINDS = ['operator', 'startup', 'association', 'tourism', 'institution', 'other'] as const;
const TIME_ZONE = 'Europe/Paris';

type List<T> = T[] | { items: T[] };
const items = <T,>(answer: List<T>): T[] => (Array.isArray(answer) ? answer : answer.items);


/**
 * A create form's shared behaviour: submit, busy flag, the API's error (message and per-field
 * problems) and a success notice; `run` returns the notice to show.
 */
function useSubmit(run: () => Promise<string>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await run());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, notice, onSubmit };
}

/** A labelled input, select or textarea with the API's problems for it right under it. */
function Field({ id, label, hint, error, field, children }: { id: string; label: string; hint?: string; error: unknown; field: string; children: (aria: Record<string, unknown>) => ComponentChildren }) {
  const problems = problemsForField(error, field);
  const described = [hint ? `${id}-hint` : '', problems.length ? `${id}-err` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': problems.length ? 'true' : undefined, 'aria-describedby': described || undefined })}
      {hint && (
        <p id={`${id}-hint`} class="small muted">
          {hint}
        </p>
      )}
      {problems.length > 0 && (
        <p id={`${id}-err`} class="field-error">
          {problems.join(' ')}
        </p>
      )}
    </div>
  );
}

/** The form's outcome: the API's message (role=alert) or the success notice (role=status). */
function Outcome({ error, notice, fields }: { error: unknown; notice: string | null; fields: string[] }) {
  return (
    <>
      <ErrorBox error={error} shownFields={fields} />
      {notice && (
        <p class="alert alert-ok" role="status">
          {notice}
        </p>
      )}
    </>
  );
}

function PartnerChecks({ legend, name, partners, chosen, onChange }: { legend: string; name: string; partners: Partner[]; chosen: string[]; onChange: (ids: string[]) => void }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {partners.length === 0 && <p class="muted">{t('setup.noPartners')}</p>}
      {partners.map((p) => (
        <div class="field inline" key={p.id}>
          <input
            type="checkbox"
            id={`${name}-${p.id}`}
            checked={chosen.includes(p.id)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, p.id] : chosen.filter((id) => id !== p.id))}
          />
          <label for={`${name}-${p.id}`}>{p.name}</label>
        </div>
      ))}
    </fieldset>
  );
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

export function SetupPage() {
  useLang();
  const user = useUser();
  const data = useAsync(
    () => (user?.role === 'manager' ? Promise.all([get<List<Partner>>('/api/partners'), get<List<Campaign>>('/api/campaigns')]) : Promise.resolve(null)),
    [user?.role],
  );
  if (user?.role !== 'manager') {
    return (
      <section>
        <PageTitle>{t('setup.title')}</PageTitle>
        <p class="alert alert-warn" role="alert">
          {t('setup.managerOnly')}
        </p>
      </section>
    );
  }
  return (
    <section>
      <PageTitle>{t('setup.title')}</PageTitle>
      <p class="muted">{t('setup.intro')}</p>
      <Loaded state={data}>
        {(answer) => {
          if (!answer) return null;
          const partners = items(answer[0]).slice().sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' }));
          const campaigns = items(answer[1]);
          return (
            <div class="stack">
              <PartnerForm onCreated={data.reload} />
              <ChannelForm partners={partners} />
              <CampaignForm partners={partners} onCreated={data.reload} />
              <CampaignPartsForms partners={partners} campaigns={campaigns} />
            </div>
          );
        }}
      </Loaded>
    </section>
  );
}

function PartnerForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug, slugFromName] = useSlugFrom(name);
  const [kind, setKind] = useState<string>('other');
  const form = useSubmit(async () => {
    await post('/api/partners', { slug: slug.trim(), name: name.trim(), kind });
    const done = t('setup.partner.created', { name: name.trim() });
    setSlug('');
    setName('');
    onCreated();
    return done;
  });
  return (
    <section class="card" aria-labelledby="setup-partner">
      <h2 id="setup-partner">{t('setup.partner.title')}</h2>
      <form class="stack" onSubmit={form.onSubmit} noValidate>
        <div class="form-row">
          <Field id="partner-name" label={t('setup.partner.name')} error={form.error} field="name">
            {(aria) => <input {...aria} required value={name} onInput={(e) => slugFromName(setName, e.currentTarget.value)} />}
          </Field>
          <Field id="partner-slug" label={t('setup.partner.slug')} hint={t('setup.partner.slugHint')} error={form.error} field="slug">
            {(aria) => <input {...aria} required autocapitalize="none" spellcheck={false} value={slug} onInput={(e) => setSlug(e.currentTarget.value)} />}
          </Field>
          <Field id="partner-kind" label={t('setup.partner.kind')} error={form.error} field="kind">
            {(aria) => (
              <select {...aria} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`setup.kind.${k}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Outcome error={form.error} notice={form.notice} fields={['name', 'slug', 'kind']} />
        <p class="actions">
          <button type="submit" class="primary" disabled={form.busy}>
            {t('setup.partner.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

function ChannelForm({ partners }: { partners: Partner[] }) {
  const [partnerId, setPartnerId] = useState('');
  const [network, setNetwork] = useState('sandbox');
  const [handle, setHandle] = useState('');
  const [externalId, setExternalId] = useState('');
  const [instanceUrl, setInstanceUrl] = useState('');
  const [token, setToken] = useState('');
  const form = useSubmit(async () => {
    const body: Record<string, unknown> = { network, handle: handle.trim(), externalId: externalId.trim() };
    if (network === 'mastodon' || instanceUrl.trim()) body.instanceUrl = instanceUrl.trim();
    if (token.trim()) body.credentials = { accessToken: token.trim() };
    await post(`/api/partners/${partnerId}/channels`, body);
    const done = t('setup.channel.created', { handle: handle.trim() });
    setHandle('');
    setExternalId('');
    setInstanceUrl('');
    setToken('');
    return done;
  });
  return (
    <section class="card" aria-labelledby="setup-channel">
      <h2 id="setup-channel">{t('setup.channel.title')}</h2>
      <form class="stack" onSubmit={form.onSubmit} noValidate>
        <div class="form-row">
          <Field id="channel-partner" label={t('setup.channel.partner')} error={form.error} field="partnerId">
            {(aria) => (
              <select {...aria} required value={partnerId} onChange={(e) => setPartnerId(e.currentTarget.value)}>
                <option value="">{t('setup.choose')}</option>
                {partners.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="channel-network" label={t('setup.channel.network')} error={form.error} field="network">
            {(aria) => (
              <select {...aria} value={network} onChange={(e) => setNetwork(e.currentTarget.value)}>
                {Object.entries(NETWORK_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div class="form-row">
          <Field id="channel-handle" label={t('setup.channel.handle')} error={form.error} field="handle">
            {(aria) => <input {...aria} required autocapitalize="none" value={handle} onInput={(e) => setHandle(e.currentTarget.value)} />}
          </Field>
          <Field id="channel-external" label={t('setup.channel.externalId')} error={form.error} field="externalId">
            {(aria) => <input {...aria} required autocapitalize="none" value={externalId} onInput={(e) => setExternalId(e.currentTarget.value)} />}
          </Field>
        </div>
        {network === 'mastodon' && (
          <Field id="channel-instance" label={t('setup.channel.instanceUrl')} error={form.error} field="instanceUrl">
            {(aria) => <input {...aria} type="url" required inputMode="url" value={instanceUrl} onInput={(e) => setInstanceUrl(e.currentTarget.value)} />}
          </Field>
        )}
        <Field id="channel-token" label={t('setup.channel.accessToken')} error={form.error} field="credentials">
          {(aria) => <input {...aria} type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} />}
        </Field>
        <Outcome error={form.error} notice={form.notice} fields={['partnerId', 'network', 'handle', 'externalId', 'instanceUrl', 'credentials']} />
        <p class="actions">
          <button type="submit" class="primary" disabled={form.busy || !partnerId}>
            {t('setup.channel.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

function CampaignForm({ partners, onCreated }: { partners: Partner[]; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug, slugFromName] = useSlugFrom(name);
  const [objective, setObjective] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [partnerIds, setPartnerIds] = useState<string[]>([]);
  const [operatorId, setOperatorId] = useState('');
  const form = useSubmit(async () => {
    const body: Record<string, unknown> = { slug: slug.trim(), name: name.trim(), timeZone: TIME_ZONE, startsAt, endsAt, partnerIds };
    if (objective.trim()) body.objective = objective.trim();
    if (operatorId) body.operatorPartnerId = operatorId;
    await post('/api/campaigns', body);
    const done = t('setup.campaign.created', { name: name.trim() });
    setSlug('');
    setName('');
    setObjective('');
    onCreated();
    return done;
  });
  return (
    <section class="card" aria-labelledby="setup-campaign">
      <h2 id="setup-campaign">{t('setup.campaign.title')}</h2>
      <form class="stack" onSubmit={form.onSubmit} noValidate>
        <div class="form-row">
          <Field id="campaign-name" label={t('setup.campaign.name')} error={form.error} field="name">
            {(aria) => <input {...aria} required value={name} onInput={(e) => slugFromName(setName, e.currentTarget.value)} />}
          </Field>
          <Field id="campaign-slug" label={t('setup.campaign.slug')} hint={t('setup.campaign.slugHint')} error={form.error} field="slug">
            {(aria) => <input {...aria} required autocapitalize="none" spellcheck={false} value={slug} onInput={(e) => setSlug(e.currentTarget.value)} />}
          </Field>
        </div>
        <Field id="campaign-objective" label={t('setup.campaign.objective')} error={form.error} field="objective">
          {(aria) => <textarea {...aria} rows={3} value={objective} onInput={(e) => setObjective(e.currentTarget.value)} />}
        </Field>
        <div class="form-row">
          <Field id="campaign-start" label={t('setup.campaign.startsAt')} error={form.error} field="startsAt">
            {(aria) => <input {...aria} type="datetime-local" required value={startsAt} onInput={(e) => setStartsAt(e.currentTarget.value)} />}
          </Field>
          <Field id="campaign-end" label={t('setup.campaign.endsAt')} error={form.error} field="endsAt">
            {(aria) => <input {...aria} type="datetime-local" required value={endsAt} onInput={(e) => setEndsAt(e.currentTarget.value)} />}
          </Field>
        </div>
        <PartnerChecks legend={t('setup.campaign.partners')} name="campaign-partner" partners={partners} chosen={partnerIds} onChange={setPartnerIds} />
        <Field id="campaign-operator" label={t('setup.campaign.operator')} error={form.error} field="operatorPartnerId">
          {(aria) => (
            <select {...aria} value={operatorId} onChange={(e) => setOperatorId(e.currentTarget.value)}>
              <option value="">{t('common.none')}</option>
              {partners.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Outcome error={form.error} notice={form.notice} fields={['name', 'slug', 'objective', 'startsAt', 'endsAt', 'operatorPartnerId']} />
        <p class="actions">
          <button type="submit" class="primary" disabled={form.busy}>
            {t('setup.campaign.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

/** Tracks and actions belong to one campaign, chosen once for both forms. */
function CampaignPartsForms({ partners, campaigns }: { partners: Partner[]; campaigns: Campaign[] }) {
  const [campaignId, setCampaignId] = useState('');
  const tracks = useAsync(() => (campaignId ? get<List<Track>>(`/api/campaigns/${campaignId}/tracks`).then(items) : Promise.resolve([] as Track[])), [campaignId]);
  return (
    <>
      <div class="card field">
        <label for="parts-campaign">{t('setup.campaignPick')}</label>
        <select id="parts-campaign" value={campaignId} onChange={(e) => setCampaignId(e.currentTarget.value)}>
          <option value="">{t('setup.choose')}</option>
          {campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      {campaignId && <CampaignEditForm key={`edit-${campaignId}`} campaignId={campaignId} />}
      {campaignId && <JoinForm key={campaignId} campaignId={campaignId} partners={partners} />}
      <TrackForm campaignId={campaignId} partners={partners} onCreated={tracks.reload} />
      <ActionForm campaignId={campaignId} tracks={tracks.data ?? []} />
    </>
  );
}

function TrackForm({ campaignId, partners, onCreated }: { campaignId: string; partners: Partner[]; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [objective, setObjective] = useState('');
  const [outputs, setOutputs] = useState('');
  const [results, setResults] = useState('');
  const [leaders, setLeaders] = useState<string[]>([]);
  const [members, setMembers] = useState<string[]>([]);
  const form = useSubmit(async () => {
    const body: Record<string, unknown> = {
      name: name.trim(),
      outputIndicators: lines(outputs),
      resultIndicators: lines(results),
      leaderPartnerIds: leaders,
      memberPartnerIds: members,
    };
    if (objective.trim()) body.objective = objective.trim();
    await post(`/api/campaigns/${campaignId}/tracks`, body);
    const done = t('setup.track.created', { name: name.trim() });
    setName('');
    setObjective('');
    setOutputs('');
    setResults('');
    setLeaders([]);
    setMembers([]);
    onCreated();
    return done;
  });
  return (
    <section class="card" aria-labelledby="setup-track">
      <h2 id="setup-track">{t('setup.track.title')}</h2>
      <form class="stack" onSubmit={form.onSubmit} noValidate>
        <Field id="track-name" label={t('setup.track.name')} error={form.error} field="name">
          {(aria) => <input {...aria} required value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field id="track-objective" label={t('setup.track.objective')} error={form.error} field="objective">
          {(aria) => <textarea {...aria} rows={2} value={objective} onInput={(e) => setObjective(e.currentTarget.value)} />}
        </Field>
        <div class="form-row">
          <Field id="track-outputs" label={t('setup.track.outputs')} error={form.error} field="outputIndicators">
            {(aria) => <textarea {...aria} rows={3} value={outputs} onInput={(e) => setOutputs(e.currentTarget.value)} />}
          </Field>
          <Field id="track-results" label={t('setup.track.results')} error={form.error} field="resultIndicators">
            {(aria) => <textarea {...aria} rows={3} value={results} onInput={(e) => setResults(e.currentTarget.value)} />}
          </Field>
        </div>
        <PartnerChecks legend={t('setup.track.leaders')} name="track-leader" partners={partners} chosen={leaders} onChange={setLeaders} />
        <PartnerChecks legend={t('setup.track.members')} name="track-member" partners={partners} chosen={members} onChange={setMembers} />
        <Outcome error={form.error} notice={form.notice} fields={['name', 'objective', 'outputIndicators', 'resultIndicators']} />
        <p class="actions">
          <button type="submit" class="primary" disabled={form.busy || !campaignId}>
            {t('setup.track.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

function ActionForm({ campaignId, tracks }: { campaignId: string; tracks: Track[] }) {
  const [title, setTitle] = useState('');
  const [occursAt, setOccursAt] = useState('');
  const [trackId, setTrackId] = useState('');
  const form = useSubmit(async () => {
    const body: Record<string, unknown> = { title: title.trim(), occursAt };
    if (trackId) body.trackId = trackId;
    await post(`/api/campaigns/${campaignId}/actions`, body);
    const done = t('setup.action.created', { name: title.trim() });
    setTitle('');
    return done;
  });
  return (
    <section class="card" aria-labelledby="setup-action">
      <h2 id="setup-action">{t('setup.action.title')}</h2>
      <form class="stack" onSubmit={form.onSubmit} noValidate>
        <div class="form-row">
          <Field id="action-title" label={t('setup.action.name')} error={form.error} field="title">
            {(aria) => <input {...aria} required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
          </Field>
          <Field id="action-when" label={t('setup.action.occursAt')} error={form.error} field="occursAt">
            {(aria) => <input {...aria} type="datetime-local" required value={occursAt} onInput={(e) => setOccursAt(e.currentTarget.value)} />}
          </Field>
          <Field id="action-track" label={t('setup.action.track')} error={form.error} field="trackId">
            {(aria) => (
              <select {...aria} value={trackId} onChange={(e) => setTrackId(e.currentTarget.value)}>
                <option value="">{t('common.none')}</option>
                {tracks.map((tr) => (
                  <option key={tr.id} value={tr.id}>
                    {tr.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Outcome error={form.error} notice={form.notice} fields={['title', 'occursAt', 'trackId']} />
        <p class="actions">
          <button type="submit" class="primary" disabled={form.busy || !campaignId}>
            {t('setup.action.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

/**
 * New partners join a campaign, even a running one: from then on the composer offers their
 * accounts and the indicators count them (from their first reading, when they join late).
 */
function JoinForm({ campaignId, partners }: { campaignId: string; partners: Partner[] }) {
  const members = useAsync(() => get<{ partners: Partner[] }>(`/api/campaigns/${campaignId}`), [campaignId]);
  const [chosen, setChosen] = useState<string[]>([]);
  const form = useSubmit(async () => {
    await post(`/api/campaigns/${campaignId}/partners`, { partnerIds: chosen });
    const names = partners.filter((p) => chosen.includes(p.id)).map((p) => p.name).join(', ');
    setChosen([]);
    members.reload();
    return t('setup.join.done', { names });
  });
  const memberIds = new Set((members.data?.partners ?? []).map((p) => p.id));
  const outside = partners.filter((p) => !memberIds.has(p.id));
  return (
    <section class="card" aria-labelledby="setup-join">
      <h2 id="setup-join">{t('setup.join.title')}</h2>
      <p class="muted small">{t('setup.join.help')}</p>
      {members.data && (
        <p class="small" data-testid="campaign-members">
          {t('setup.join.members', { names: members.data.partners.map((p) => p.name).join(', ') })}
        </p>
      )}
      <form class="stack" onSubmit={form.onSubmit} noValidate>
        {outside.length === 0 ? (
          <p class="muted">{t('setup.join.none')}</p>
        ) : (
          <PartnerChecks legend={t('setup.join.pick')} name="join" partners={outside} chosen={chosen} onChange={setChosen} />
        )}
        <button type="submit" class="primary" disabled={form.busy || chosen.length === 0}>
          {t('setup.join.submit')}
        </button>
        <Outcome error={form.error} notice={form.notice} fields={['partnerIds']} />
      </form>
    </section>
  );
}

/** A campaign's name, objective and end, changed while it runs (its start and members stay). */
function CampaignEditForm({ campaignId }: { campaignId: string }) {
  const current = useAsync(() => get<{ name: string; objective: string | null; endsAt: string }>(`/api/campaigns/${campaignId}`), [campaignId]);
  return <Loaded state={current}>{(c) => <CampaignEditFields campaignId={campaignId} campaign={c} onSaved={current.reload} />}</Loaded>;
}

function CampaignEditFields({ campaignId, campaign, onSaved }: { campaignId: string; campaign: { name: string; objective: string | null; endsAt: string }; onSaved: () => void }) {
  const [name, setName] = useState(campaign.name);
  const [objective, setObjective] = useState(campaign.objective ?? '');
  const [endsAt, setEndsAt] = useState(localInputValue(campaign.endsAt, TIME_ZONE));
  const form = useSubmit(async () => {
    const body: Record<string, unknown> = {};
    if (name.trim() !== campaign.name) body.name = name.trim();
    if (objective.trim() !== (campaign.objective ?? '')) body.objective = objective.trim();
    if (endsAt !== localInputValue(campaign.endsAt, TIME_ZONE)) body.endsAt = endsAt;
    if (Object.keys(body).length === 0) return t('composer.nothingChanged');
    await patch(`/api/campaigns/${campaignId}`, body);
    onSaved();
    return t('setup.edit.saved', { name: name.trim() });
  });
  return (
    <section class="card" aria-labelledby="setup-edit">
      <h2 id="setup-edit">{t('setup.edit.title')}</h2>
      <form class="stack" onSubmit={form.onSubmit} noValidate>
        <div class="form-row">
          <Field id="edit-name" label={t('setup.campaign.name')} error={form.error} field="name">
            {(aria) => <input {...aria} required value={name} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field id="edit-end" label={t('setup.campaign.endsAt')} error={form.error} field="endsAt">
            {(aria) => <input {...aria} type="datetime-local" value={endsAt} onInput={(e) => setEndsAt(e.currentTarget.value)} />}
          </Field>
        </div>
        <Field id="edit-objective" label={t('setup.campaign.objective')} error={form.error} field="objective">
          {(aria) => <textarea {...aria} rows={2} value={objective} onInput={(e) => setObjective(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="primary" disabled={form.busy}>
          {t('setup.edit.submit')}
        </button>
        <Outcome error={form.error} notice={form.notice} fields={['name', 'endsAt', 'objective']} />
      </form>
    </section>
  );
}
