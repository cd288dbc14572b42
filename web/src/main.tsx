import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onUnauthenticated } from './api';
import { currentLang, hasStoredLang, setLang, t, useLang } from './i18n';
import { interceptLinks, navigate, usePath } from './router';
import { loadUser, setUser, signOut, useUser } from './session';
import { Loaded, Loading, useAsync } from './components/ui';
import { LoginPage } from './pages/login';
import { HomePage } from './pages/home';
import { CalendarPage } from './pages/calendar';
import { ComposerPage, EditPostPage } from './pages/composer';
import { CustomersPage } from './pages/customers';
import { InboxPage } from './pages/inbox';
import { ApprovalLinkPage } from './pages/approval-link';
import { PostPage } from './pages/post';
import { ChannelsPage } from './pages/channels';
import { SetupPage } from './pages/setup';
import { AccountPage, FirstRunPage, ForgotPasswordPage, SetPasswordPage } from './pages/account';
import { UsersPage } from './pages/users';
import './styles.css';

type Route = { pattern: RegExp; page: (params: string[]) => preact.JSX.Element; public?: boolean };

const ROUTES: Route[] = [
  { pattern: /^\/login$/, page: () => <LoginPage />, public: true },
  { pattern: /^\/approve\/([^/]+)$/, page: ([token]) => <ApprovalLinkPage token={token!} />, public: true },
  { pattern: /^\/invite$/, page: () => <SetPasswordPage mode="invite" />, public: true },
  { pattern: /^\/reset-password$/, page: () => <SetPasswordPage mode="reset" />, public: true },
  { pattern: /^\/forgot-password$/, page: () => <ForgotPasswordPage />, public: true },
  { pattern: /^\/first-run$/, page: () => <FirstRunPage />, public: true },
  { pattern: /^\/account$/, page: () => <AccountPage /> },
  { pattern: /^\/users$/, page: () => <UsersPage /> },
  { pattern: /^\/$/, page: () => <HomePage /> },
  { pattern: /^\/campaigns\/([0-9a-f-]{36})$/, page: ([id]) => <CalendarPage campaignId={id!} /> },
  { pattern: /^\/campaigns\/([0-9a-f-]{36})\/compose$/, page: ([id]) => <ComposerPage campaignId={id!} /> },
  { pattern: /^\/campaigns\/([0-9a-f-]{36})\/indicators$/, page: ([id]) => <IndicatorsPage campaignId={id!} /> },
  { pattern: /^\/inbox$/, page: () => <InboxPage /> },
  { pattern: /^\/posts\/([0-9a-f-]{36})$/, page: ([id]) => <PostPage postId={id!} /> },
  { pattern: /^\/posts\/([0-9a-f-]{36})\/edit$/, page: ([id]) => <EditPostPage postId={id!} /> },
  { pattern: /^\/campaigns\/([0-9a-f-]{36})\/customers$/, page: ([id]) => <CustomersPage campaignId={id!} /> },
  { pattern: /^\/channels$/, page: () => <ChannelsPage /> },
  { pattern: /^\/setup$/, page: () => <SetupPage /> },
];

function match(path: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map(decodeURIComponent) };
  }
  return null;
}

function LangSwitch() {
  const lang = useLang();
  const other = lang === 'fr' ? 'en' : 'fr';
  return (
    <button type="button" class="link-button lang-switch" lang={other} onClick={() => setLang(other)} aria-label={t('nav.switchLanguage')}>
      {other === 'en' ? 'English' : 'Français'}
    </button>
  );
}

function Shell() {
  useLang();
  const path = usePath();
  const user = useUser();
  const found = match(path);
  const isPublic = found?.route.public ?? false;

  useEffect(() => {
    // The user's saved language applies unless this browser chose one.
    if (user && !hasStoredLang() && user.locale !== currentLang()) setLang(user.locale, { remember: false });
  }, [user?.id]);

  useEffect(() => {
    if (user === null && !isPublic) navigate(`/login?next=${encodeURIComponent(path + location.search)}`, { replace: true });
  }, [user, isPublic, path]);

  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);

  return (
    <>
      <a class="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header class="topbar">
        <a class="brand" href="/app/">
          Chorus
        </a>
        {user ? (
          <>
            <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
              {t('nav.menu')}
            </button>
            <nav id="main-nav" class={menuOpen ? 'open' : ''} aria-label={t('nav.label')}>
              <a href="/app/" aria-current={path === '/' ? 'page' : undefined}>
                {t('nav.campaigns')}
              </a>
              {user.role === 'partner' && (
                <a href="/app/inbox" aria-current={path === '/inbox' ? 'page' : undefined}>
                  {t('nav.inbox')}
                </a>
              )}
              <a href="/app/channels" aria-current={path === '/channels' ? 'page' : undefined}>
                {t('nav.channels')}
              </a>
              {user.role === 'manager' && (
                <a href="/app/setup" aria-current={path === '/setup' ? 'page' : undefined}>
                  {t('nav.setup')}
                </a>
              )}
              {user.role === 'manager' && (
                <a href="/app/users" aria-current={path === '/users' ? 'page' : undefined}>
                  {t('nav.users')}
                </a>
              )}
              <a href="/app/account" class="who" title={user.email} aria-current={path === '/account' ? 'page' : undefined}>
                {user.name} · {t(`role.${user.role}`)}
                <span class="visually-hidden"> ({t('nav.account')})</span>
              </a>
              <button type="button" class="link-button" onClick={() => void signOut().then(() => navigate('/login'))}>
                {t('nav.signOut')}
              </button>
              <LangSwitch />
            </nav>
          </>
        ) : (
          <nav aria-label={t('nav.label')}>
            <LangSwitch />
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {!found ? (
          <NotFound />
        ) : isPublic ? (
          found.route.page(found.params)
        ) : user ? (
          found.route.page(found.params)
        ) : (
          <Loading />
        )}
      </main>
    </>
  );
}

/** Chart.js is only loaded with the indicators page. */
function IndicatorsPage({ campaignId }: { campaignId: string }) {
  const mod = useAsync(() => import('./pages/indicators'), []);
  return <Loaded state={mod}>{(m) => <m.IndicatorsPage campaignId={campaignId} />}</Loaded>;
}

function NotFound() {
  return (
    <section>
      <h1>{t('common.notFound')}</h1>
      <p>
        <a href="/app/">{t('common.backHome')}</a>
      </p>
    </section>
  );
}

document.documentElement.lang = currentLang();
interceptLinks();
onUnauthenticated(() => setUser(null));
render(<Shell />, document.getElementById('app')!);
void loadUser().catch(() => undefined);
