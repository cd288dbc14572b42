import { useState } from 'preact/hooks';
import type { Invitation, PublicUser } from '../../../src/auth/auth.service';
import { get, post } from '../api';
import { ErrorBox, Loaded, PageTitle, useAsync } from '../components/ui';
import { formatDateTime, t, useLang } from '../i18n';
import { useUser, type Role } from '../session';

interface Partner {
  id: string;
  name: string;
}
type List<T> = T[] | { items: T[] };
const items = <T,>(answer: List<T>): T[] => (Array.isArray(answer) ? answer : answer.items);
type Sent = Omit<Invitation, 'expiresAt'> & { expiresAt: string; email: string };

/** The manager invites people (partner staff, reviewers, other managers) and sees who has an account. */
export function UsersPage() {
  useLang();
  const me = useUser();
  const data = useAsync(async () => ({ users: await get<PublicUser[]>('/api/users'), partners: items(await get<List<Partner>>('/api/partners')) }), []);
  if (me?.role !== 'manager') {
    return (
      <section>
        <PageTitle>{t('users.title')}</PageTitle>
        <p class="muted">{t('users.managerOnly')}</p>
      </section>
    );
  }
  return (
    <section class="narrow-wide stack">
      <PageTitle>{t('users.title')}</PageTitle>
      <p class="muted">{t('users.intro')}</p>
      <Loaded state={data}>{(d) => <Users users={d.users} partners={d.partners} reload={data.reload} />}</Loaded>
    </section>
  );
}

function Users({ users, partners, reload }: { users: PublicUser[]; partners: Partner[]; reload: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('partner');
  const [partnerId, setPartnerId] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const partnerName = new Map(partners.map((p) => [p.id, p.name]));
  const missing = !email.trim() || !name.trim() || (role === 'partner' && !partnerId);

  async function submit(event: Event) {
    event.preventDefault();
    setTried(true);
    setError(null);
    setSent(null);
    setCopied(false);
    if (missing) return;
    setBusy(true);
    try {
      const answer = await post<Omit<Sent, 'email'>>('/api/users/invites', { email: email.trim(), name: name.trim(), role, partnerId: role === 'partner' ? partnerId : undefined });
      // The API answers the path when PUBLIC_URL is not set: complete it with this page's address.
      setSent({ ...answer, inviteUrl: new URL(answer.inviteUrl, location.origin).toString(), email: email.trim() });
      setTried(false);
      setEmail('');
      setName('');
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      /* the field stays selectable */
    }
  }

  return (
    <>
      <form class="card stack" onSubmit={submit} noValidate>
        <h2 class="small-heading">{t('users.inviteTitle')}</h2>
        <div class="field">
          <label for="invite-name">{t('users.name')}</label>
          <input id="invite-name" autocomplete="off" required value={name} aria-invalid={tried && !name.trim() ? 'true' : undefined} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="invite-email">{t('login.email')}</label>
          <input id="invite-email" type="email" autocomplete="off" required value={email} aria-invalid={tried && !email.trim() ? 'true' : undefined} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="invite-role">{t('users.role')}</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} aria-describedby="invite-role-help">
            <option value="partner">{t('users.role.partner')}</option>
            <option value="reviewer">{t('users.role.reviewer')}</option>
            <option value="manager">{t('users.role.manager')}</option>
          </select>
          <p id="invite-role-help" class="muted small">
            {t(`users.roleHelp.${role}`)}
          </p>
        </div>
        {role === 'partner' && (
          <div class="field">
            <label for="invite-partner">{t('users.partner')}</label>
            <select id="invite-partner" value={partnerId} aria-invalid={tried && !partnerId ? 'true' : undefined} onChange={(e) => setPartnerId(e.currentTarget.value)}>
              <option value="">{t('setup.choose')}</option>
              {partners.map((p) => (
                <option value={p.id} key={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {tried && missing && (
          <p class="field-error" role="alert">
            {t('account.fillAll')}
          </p>
        )}
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('users.inviteSubmit')}
        </button>
        {sent && (
          <div class="alert alert-ok" role="status" data-testid="invite-sent">
            <p>{sent.mailed ? t('users.sentMailed', { email: sent.email }) : t('users.sentCopy', { email: sent.email })}</p>
            <div class="field">
              <label for="invite-link">{t('users.link', { until: formatDateTime(sent.expiresAt) })}</label>
              <div class="copy-row">
                <input id="invite-link" readOnly value={sent.inviteUrl} onFocus={(e) => e.currentTarget.select()} />
                <button type="button" onClick={() => void copy(sent.inviteUrl)}>
                  {t('post.copy')}
                </button>
              </div>
              {copied && <p class="small">{t('post.copied')}</p>}
            </div>
          </div>
        )}
      </form>

      <section class="card">
        <h2 class="small-heading">{t('users.listTitle', { count: users.length })}</h2>
        <ul class="plain" data-testid="users">
          {users.map((u) => (
            <li key={u.id} class="channel-row wrap-anywhere">
              <strong>{u.name}</strong> · {t(`role.${u.role}`)}
              {u.partnerId && <> · {partnerName.get(u.partnerId) ?? ''}</>}
              <br />
              <span class="muted small">{u.email}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
