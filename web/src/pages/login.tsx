import { useState } from 'preact/hooks';
import { ErrorBox, PageTitle } from '../components/ui';
import { t, useLang } from '../i18n';
import { navigate, query } from '../router';
import { signIn } from '../session';
import { useSignInOptions } from './account';

export function LoginPage() {
  useLang();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const options = useSignInOptions();

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      const next = query().get('next');
      // Only our own pages: never an address from elsewhere.
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section class="narrow card">
      <PageTitle>{t('login.title')}</PageTitle>
      <p class="muted">{t('login.intro')}</p>
      <form onSubmit={submit} class="stack">
        <div class="field">
          <label for="login-email">{t('login.email')}</label>
          <input id="login-email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
      </form>
      {options.data?.firstRun && (
        <p class="alert alert-warn">
          <a href="/app/first-run">{t('login.firstRun')}</a>
        </p>
      )}
      {options.data &&
        !options.data.firstRun &&
        (options.data.passwordReset ? (
          <p>
            <a href="/app/forgot-password">{t('login.forgot')}</a>
          </p>
        ) : (
          <p class="muted small">{t('login.noResetHint')}</p>
        ))}
    </section>
  );
}
