import { useState } from 'preact/hooks';
import { api, get, post } from '../api';
import { ChannelName, ErrorBox, NetworkMessage, Loaded, NETWORK_LABELS, PageTitle, StatusBadge, useAsync } from '../components/ui';
import { formatDateTime, t, useLang } from '../i18n';
import { useUser } from '../session';

interface Channel {
  id: string;
  partnerId: string;
  network: string;
  handle: string;
  displayName: string | null;
  instanceUrl: string | null;
  status: string;
  statusReason: string | null;
  hasCredentials: boolean;
  credentialsUpdatedAt: string | null;
}
interface Partner {
  id: string;
  slug: string;
  name: string;
}

export function ChannelsPage() {
  useLang();
  const user = useUser();
  const [notice, setNotice] = useState<string | null>(null);
  const scope = user?.role === 'partner' && user.partnerId ? `?partnerId=${user.partnerId}` : '';
  const data = useAsync(
    () => Promise.all([get<Channel[]>(`/api/channels${scope}`), get<Partner[] | { items: Partner[] }>('/api/partners')]),
    [scope],
  );
  return (
    <section>
      <PageTitle>{t('channels.title')}</PageTitle>
      <Loaded state={data}>
        {([channels, partnerAnswer]) => {
          const partners = Array.isArray(partnerAnswer) ? partnerAnswer : partnerAnswer.items;
          const reauth = channels.filter((c) => c.status === 'needs_reauth');
          const shown = partners
            .filter((p) => channels.some((c) => c.partnerId === p.id))
            .sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' }));
          return (
            <div class="stack">
              {notice && (
                <p class="alert alert-ok" role="status">
                  {notice}
                </p>
              )}
              {reauth.length > 0 && (
                <div class="alert alert-warn" role="alert">
                  <strong>{t('channels.reauthSummary', { count: reauth.length })}</strong>
                </div>
              )}
              {shown.length === 0 && <p class="muted">{t('channels.none')}</p>}
              {shown.map((p) => (
                <section class="card" key={p.id} aria-labelledby={`partner-${p.id}`}>
                  <h2 id={`partner-${p.id}`}>{p.name}</h2>
                  <ul class="plain stack">
                    {channels
                      .filter((c) => c.partnerId === p.id)
                      .map((c) => (
                        <li key={c.id} class={`channel-row${c.status === 'needs_reauth' ? ' needs-action' : ''}`}>
                          <div class="row between wrap">
                            <span>
                              <strong>
                                <ChannelName network={c.network} handle={c.handle} displayName={c.displayName} />
                              </strong>
                            </span>
                            <StatusBadge kind="channel" status={c.status} />
                          </div>
                          {c.statusReason && <NetworkMessage text={c.statusReason} />}
                          {c.status === 'paused' && <p class="small">{t('channels.paused')}</p>}
                          {c.status === 'needs_reauth' && (
                            <Reauth
                              channel={c}
                              canFix={user?.role === 'manager'}
                              onFixed={() => {
                                setNotice(t('channels.credentialsSaved'));
                                data.reload();
                              }}
                            />
                          )}
                          {user?.role === 'manager' && c.status !== 'needs_reauth' && (
                            <ChannelControls
                              channel={c}
                              onChanged={(text) => {
                                setNotice(text);
                                data.reload();
                              }}
                            />
                          )}
                        </li>
                      ))}
                  </ul>
                </section>
              ))}
            </div>
          );
        }}
      </Loaded>
    </section>
  );
}

/** The call to action of a channel whose access expired: managers paste the new tokens, others are told who can. */
function Reauth({ channel, canFix, onFixed }: { channel: Channel; canFix: boolean; onFixed: () => void }) {
  const [open, setOpen] = useState(false);
  const label = `${NETWORK_LABELS[channel.network] ?? channel.network} ${channel.handle}`;

  if (!canFix) return <p class="cta">{t('channels.reauthPartner', { channel: label })}</p>;

  return (
    <div class="cta stack">
      <p>{t('channels.reauthManager', { channel: label })}</p>
      {channel.credentialsUpdatedAt && <p class="small muted">{t('channels.lastCredentials', { when: formatDateTime(channel.credentialsUpdatedAt) })}</p>}
      {!open ? (
        <p>
          <button type="button" class="primary" onClick={() => setOpen(true)}>
            {t('channels.reconnect', { channel: label })}
          </button>
        </p>
      ) : (
        <CredentialsForm channel={channel} onSaved={onFixed} onClose={() => setOpen(false)} />
      )}
    </div>
  );
}

/** Pause / resume, and replacing the credentials of an account that still works (managers). */
function ChannelControls({ channel, onChanged }: { channel: Channel; onChanged: (notice: string | null) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [replacing, setReplacing] = useState(false);
  const label = `${NETWORK_LABELS[channel.network] ?? channel.network} ${channel.handle}`;

  async function toggle(action: 'pause' | 'resume') {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/channels/${channel.id}/${action}`);
      onChanged(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="channel-actions stack">
      <p class="actions">
        {channel.status === 'active' && (
          <button type="button" disabled={busy} onClick={() => void toggle('pause')} aria-label={`${t('channels.pause')} : ${label}`}>
            {t('channels.pause')}
          </button>
        )}
        {channel.status === 'paused' && (
          <button type="button" class="primary" disabled={busy} onClick={() => void toggle('resume')} aria-label={`${t('channels.resume')} : ${label}`}>
            {t('channels.resume')}
          </button>
        )}
        {channel.status !== 'disabled' && !replacing && (
          <button type="button" class="link-button" onClick={() => setReplacing(true)} aria-label={`${t('channels.replaceCredentials')} : ${label}`}>
            {t('channels.replaceCredentials')}
          </button>
        )}
      </p>
      <ErrorBox error={error} />
      {replacing && (
        <CredentialsForm
          channel={channel}
          onSaved={() => {
            setReplacing(false);
            onChanged(t('channels.lastCredentials', { when: formatDateTime(new Date()) }));
          }}
          onClose={() => setReplacing(false)}
        />
      )}
    </div>
  );
}

/** New tokens for a channel: PUT /api/channels/:id/credentials (a needs_reauth channel becomes active again). */
function CredentialsForm({ channel, onSaved, onClose }: { channel: Channel; onSaved: () => void; onClose?: () => void }) {
  const [token, setToken] = useState('');
  const [refresh, setRefresh] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const credentials: Record<string, string> = { accessToken: token.trim() };
      if (refresh.trim()) credentials.refreshToken = refresh.trim();
      await api('PUT', `/api/channels/${channel.id}/credentials`, { credentials });
      onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form class="stack" onSubmit={save}>
      <div class="field">
        <label for={`tok-${channel.id}`}>{t('channels.accessToken')}</label>
        <input id={`tok-${channel.id}`} type="password" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`ref-${channel.id}`}>{t('channels.refreshToken')}</label>
        <input id={`ref-${channel.id}`} type="password" autocomplete="off" value={refresh} onInput={(e) => setRefresh(e.currentTarget.value)} />
      </div>
      <ErrorBox error={error} />
      <p class="actions">
        <button type="submit" class="primary" disabled={busy || !token.trim()}>
          {t('channels.saveCredentials')}
        </button>
        {onClose && (
          <button type="button" onClick={onClose}>
            {t('channels.cancelForm')}
          </button>
        )}
      </p>
    </form>
  );
}
