import { useState } from 'preact/hooks';
import type { PublicUser } from '../../../src/auth/auth.service';
import { get, post } from '../api';
import { ErrorBox, PageTitle, useAsync } from '../components/ui';
import { t, useLang } from '../i18n';
import type { MessageKey } from '../messages';
import { navigate, query } from '../router';
import { setUser, type User } from '../session';

/** The API's minimum (src/auth/password.ts), checked here first so the form says it in French. */
const MIN_PASSWORD = 10;

export interface SignInOptions {
  passwordReset: boolean;
  firstRun: boolean;
}

export function useSignInOptions() {
  return useAsync(() => get<SignInOptions>('/api/auth/options'), []);
}

/** Two password fields (new, confirmation) with their checks; `null` while they are fine. */
function passwordProblem(password: string, confirm: string): MessageKey | null {
  if (password.length < MIN_PASSWORD) return 'account.tooShort';
  if (password !== confirm) return 'account.mismatch';
  return null;
}

function NewPasswordFields(props: { password: string; confirm: string; onPassword: (v: string) => void; onConfirm: (v: string) => void; problem: MessageKey | null; prefix: string }) {
  const { password, confirm, problem, prefix } = props;
  return (
    <>
      <div class="field">
        <label for={`${prefix}-new`}>{t('account.newPassword')}</label>
        <input
          id={`${prefix}-new`}
          type="password"
          autocomplete="new-password"
          required
          minLength={MIN_PASSWORD}
          value={password}
          aria-describedby={`${prefix}-new-help`}
          aria-invalid={problem === 'account.tooShort' ? 'true' : undefined}
          onInput={(e) => props.onPassword(e.currentTarget.value)}
        />
        <p id={`${prefix}-new-help`} class="muted small">
          {t('account.passwordHelp', { min: MIN_PASSWORD })}
        </p>
      </div>
      <div class="field">
        <label for={`${prefix}-confirm`}>{t('account.confirmPassword')}</label>
        <input
          id={`${prefix}-confirm`}
          type="password"
          autocomplete="new-password"
          required
          value={confirm}
          aria-invalid={problem === 'account.mismatch' ? 'true' : undefined}
          onInput={(e) => props.onConfirm(e.currentTarget.value)}
        />
      </div>
    </>
  );
}

/** `/invite?token=…` (the invitation e-mail's link) and `/app/reset-password?token=…`: choose a password, then signed in. */
export function SetPasswordPage({ mode }: { mode: 'invite' | 'reset' }) {
  useLang();
  const token = query().get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = passwordProblem(password, confirm);

  async function submit(event: Event) {
    event.preventDefault();
    setTried(true);
    setError(null);
    if (problem) return;
    setBusy(true);
    try {
      const answer = await post<{ user: PublicUser }>(mode === 'invite' ? '/api/auth/accept-invite' : '/api/auth/reset-password', { token, password });
      setUser(answer.user as User);
      navigate(`/?welcome=${mode}`, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section class="narrow card">
      <PageTitle>{mode === 'invite' ? t('account.inviteTitle') : t('account.resetTitle')}</PageTitle>
      <p class="muted">{mode === 'invite' ? t('account.inviteIntro') : t('account.resetIntro')}</p>
      {!token ? (
        <p class="alert alert-error" role="alert">
          {t('error.invite_invalid')}
        </p>
      ) : (
        <form onSubmit={submit} class="stack" noValidate>
          <NewPasswordFields prefix="set" password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} problem={tried ? problem : null} />
          {tried && problem && (
            <p class="field-error" role="alert">
              {t(problem, { min: MIN_PASSWORD })}
            </p>
          )}
          <ErrorBox error={error} />
          <button type="submit" class="primary" disabled={busy}>
            {mode === 'invite' ? t('account.inviteSubmit') : t('account.resetSubmit')}
          </button>
        </form>
      )}
      <p>
        <a href="/app/login">{t('account.backToLogin')}</a>
      </p>
    </section>
  );
}

/** Asks for a reset link by e-mail (only offered when the server can send mail). */
export function ForgotPasswordPage() {
  useLang();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/auth/password-reset', { email: email.trim() });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="narrow card">
      <PageTitle>{t('account.forgotTitle')}</PageTitle>
      {sent ? (
        <p class="alert alert-ok" role="status">
          {t('account.forgotSent', { email: email.trim() })}
        </p>
      ) : (
        <form onSubmit={submit} class="stack">
          <p class="muted">{t('account.forgotIntro')}</p>
          <div class="field">
            <label for="forgot-email">{t('login.email')}</label>
            <input id="forgot-email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </div>
          <ErrorBox error={error} />
          <button type="submit" class="primary" disabled={busy}>
            {t('account.forgotSubmit')}
          </button>
        </form>
      )}
      <p>
        <a href="/app/login">{t('account.backToLogin')}</a>
      </p>
    </section>
  );
}

/** A new deployment's first manager; the server refuses once anyone has an account. */
export function FirstRunPage() {
  useLang();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = passwordProblem(password, confirm);

  async function submit(event: Event) {
    event.preventDefault();
    setTried(true);
    setError(null);
    if (problem || !name.trim() || !email.trim()) return;
    setBusy(true);
    try {
      const answer = await post<{ user: PublicUser }>('/api/auth/first-run', { name: name.trim(), email: email.trim(), password });
      setUser(answer.user as User);
      navigate('/setup', { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section class="narrow card">
      <PageTitle>{t('account.firstRunTitle')}</PageTitle>
      <p class="muted">{t('account.firstRunIntro')}</p>
      <form onSubmit={submit} class="stack" noValidate>
        <div class="field">
          <label for="first-name">{t('account.name')}</label>
          <input id="first-name" autocomplete="name" required value={name} aria-invalid={tried && !name.trim() ? 'true' : undefined} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="first-email">{t('login.email')}</label>
          <input id="first-email" type="email" autocomplete="username" required value={email} aria-invalid={tried && !email.trim() ? 'true' : undefined} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <NewPasswordFields prefix="first" password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} problem={tried ? problem : null} />
        {tried && (problem || !name.trim() || !email.trim()) && (
          <p class="field-error" role="alert">
            {problem ? t(problem, { min: MIN_PASSWORD }) : t('account.fillAll')}
          </p>
        )}
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('account.firstRunSubmit')}
        </button>
      </form>
    </section>
  );
}

/** The signed-in user's own account: change the password. */
export function AccountPage() {
  useLang();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = passwordProblem(password, confirm);

  async function submit(event: Event) {
    event.preventDefault();
    setTried(true);
    setError(null);
    setDone(false);
    if (problem) return;
    setBusy(true);
    try {
      await post('/api/auth/password', { currentPassword: current, newPassword: password });
      setDone(true);
      setTried(false);
      setCurrent('');
      setPassword('');
      setConfirm('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="narrow card">
      <PageTitle>{t('account.title')}</PageTitle>
      <form onSubmit={submit} class="stack" noValidate>
        <h2 class="small-heading">{t('account.changeTitle')}</h2>
        <div class="field">
          <label for="account-current">{t('account.currentPassword')}</label>
          <input id="account-current" type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </div>
        <NewPasswordFields prefix="account" password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} problem={tried ? problem : null} />
        {tried && problem && (
          <p class="field-error" role="alert">
            {t(problem, { min: MIN_PASSWORD })}
          </p>
        )}
        <ErrorBox error={error} />
        {done && (
          <p class="alert alert-ok" role="status">
            {t('account.changed')}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('account.changeSubmit')}
        </button>
      </form>
    </section>
  );
}
