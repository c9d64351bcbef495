import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, setProblemWriter, setSignedOutHandler, unwrap } from './api/client.js';
import { ErrorNote, Loading } from './components.js';
import { describeProblem } from './errors.js';
import { I18nContext, initialLocale, localized, translator, type I18n, type Locale, type MessageKey } from './i18n.js';
import { AccountPage, MyWorkerSection } from './pages/account.js';
import { CalendarFeedSection } from './pages/calendar-feed.js';
import { AuditPage } from './pages/audit.js';
import { CasesPage } from './pages/cases.js';
import { CommunityPage } from './pages/community.js';
import { FailuresPage } from './pages/failures.js';
import { RequestsPage } from './pages/requests.js';
import { InboxPage } from './pages/inbox.js';
import { LoginPage } from './pages/login.js';
import { ManualPage } from './pages/manual.js';
import { MonthlyPage } from './pages/monthly.js';
import { RollupPage } from './pages/rollup.js';
import { OverviewPage } from './pages/overview.js';
import { PostsPage } from './pages/posts.js';
import { PartnersPage } from './pages/partners.js';
import { RolloutPage } from './pages/rollout.js';
import { ServicesPage } from './pages/services.js';
import { StationPage } from './pages/station.js';
import { TokensPage } from './pages/tokens.js';
import { TrainingPage } from './pages/training.js';
import { UsersPage } from './pages/users.js';
import { VenturesPage } from './pages/ventures.js';
import { WorkerPage } from './pages/worker.js';
import { linkProps, matchPath, usePath } from './router.js';
import { can, type Capability, type SessionInfo } from './session.js';
import './styles.css';

interface NavItem {
  href: string;
  label: MessageKey;
  capability?: Capability;
  match: string;
}

const NAV: NavItem[] = [
  { href: '/', label: 'nav_overview', match: '/' },
  { href: '/stations', label: 'nav_station', capability: 'station.view', match: '/stations/:communityId?' },
  { href: '/training', label: 'nav_training', capability: 'training.view', match: '/training/:cycleId?' },
  { href: '/workers', label: 'nav_worker', capability: 'worker.view', match: '/workers/:workerId?' },
  { href: '/rollout', label: 'nav_rollout', capability: 'rollout.view', match: '/rollout' },
  { href: '/ventures', label: 'nav_ventures', capability: 'venture.view', match: '/ventures/:projectId?' },
  { href: '/reports/monthly', label: 'monthly_report', match: '/reports/monthly' },
  { href: '/reports/rollup', label: 'rollup', match: '/reports/rollup' },
  { href: '/services', label: 'nav_services', capability: 'services.view', match: '/services' },
  { href: '/cases', label: 'nav_cases', match: '/cases/:callId?' },
  { href: '/manual', label: 'nav_manual', match: '/manual' },
  { href: '/requests', label: 'nav_requests', match: '/requests/:requestId?' },
  { href: '/posts', label: 'nav_posts', capability: 'services.view', match: '/posts' },
  { href: '/partners', label: 'nav_partners', capability: 'partners.view', match: '/partners' },
  { href: '/inbox', label: 'nav_inbox', capability: 'inbox', match: '/inbox' },
  { href: '/notifications/failures', label: 'nav_failures', capability: 'notifications.failures', match: '/notifications/failures' },
  { href: '/users', label: 'nav_users', capability: 'users.manage', match: '/users' },
  { href: '/tokens', label: 'nav_tokens', capability: 'tokens.manage', match: '/tokens' },
  { href: '/audit', label: 'nav_audit', capability: 'audit.view', match: '/audit' },
  { href: '/account', label: 'nav_account', match: '/account' },
];

function App() {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [session, setSession] = useState<SessionInfo | null>();
  const [sessionError, setSessionError] = useState<ApiError>();
  const { path, search } = usePath();

  const i18n: I18n = useMemo(() => {
    const t = translator(locale);
    // Field problems (ApiError.fieldMessage) are phrased in the page's language from their code.
    setProblemWriter((problem) => describeProblem({ t, locale }, problem));
    return {
      locale,
      t,
      setLocale: (next: Locale) => {
        window.localStorage.setItem('shegong.locale', next);
        setLocaleState(next);
      },
    };
  }, [locale]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = i18n.t('app_name');
  }, [locale, i18n]);

  const loadSession = useCallback(async () => {
    try {
      setSession(await unwrap(api.GET('/api/auth/session')));
      setSessionError(undefined);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setSession(null);
      else setSessionError(error as ApiError);
    }
  }, []);

  useEffect(() => {
    setSignedOutHandler(() => setSession(null));
    void loadSession();
  }, [loadSession]);

  const signOut = async () => {
    try {
      await unwrap(api.POST('/api/auth/logout'));
    } finally {
      setSession(null);
    }
  };

  const { t } = i18n;
  // On a phone the navigation folds behind a menu button; it closes when a page is chosen.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const mustChangePassword = session?.user?.passwordChangeRequired === true;
  let body;
  if (session === undefined) {
    body = sessionError ? <ErrorNote error={sessionError} onRetry={() => void loadSession()} /> : <Loading />;
  } else if (session === null) {
    body = <LoginPage onSignedIn={() => void loadSession()} />;
  } else if (mustChangePassword) {
    // An admin reset the password: the API refuses everything else until it is changed.
    body = <AccountPage session={session} forced onChanged={() => void loadSession()} />;
  } else {
    body = <Page session={session} path={path} search={search} />;
  }

  return (
    <I18nContext.Provider value={i18n}>
      <a className="skip" href="#main">{t('skip_to_content')}</a>
      <header className="top">
        <div className="bar">
          <div className="brand" title={t('app_name')}>{t('app_name')}</div>
          <button type="button" className="lang" onClick={() => i18n.setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')} aria-label={`${t('language')}: ${t('switch_language')}`} lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}>
            {t('switch_language')}
          </button>
          {session ? (
            <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-menu" onClick={() => setMenuOpen((open) => !open)}>
              <span aria-hidden="true">☰</span> {menuOpen ? t('close_menu') : t('menu')}
            </button>
          ) : null}
        </div>
        {session ? (
          <div id="main-menu" className={menuOpen ? 'menu open' : 'menu'}>
            <nav className="nav" aria-label={t('menu')}>
              {NAV.filter((item) => !mustChangePassword && (!item.capability || can(session, item.capability))).map((item) => (
                <a key={item.href} {...linkProps(item.href)} aria-current={matchPath(item.match, path) ? 'page' : undefined}>{t(item.label)}</a>
              ))}
            </nav>
            <div className="who">
              <span className="user" data-testid="signed-in-as">
                {session.user?.displayName ?? session.principal.name} · {t(`role_${session.principal.role}` as MessageKey)}
                {session.scope ? ` · ${localized(locale, session.scope.name)}` : ''}
              </span>
              <button type="button" onClick={() => void signOut()}>{t('sign_out')}</button>
            </div>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>{body}</main>
      <footer className="foot">{t('time_zone_note')}</footer>
    </I18nContext.Provider>
  );
}

function Page({ session, path, search }: { session: SessionInfo; path: string; search: URLSearchParams }) {
  let params: Record<string, string> | undefined;
  if ((params = matchPath('/stations/:communityId?', path)) && can(session, 'station.view')) return <StationPage session={session} communityId={params.communityId || undefined} />;
  if ((params = matchPath('/training/:cycleId?', path)) && can(session, 'training.view')) return <TrainingPage session={session} cycleId={params.cycleId || undefined} />;
  if ((params = matchPath('/workers/:workerId?', path)) && can(session, 'worker.view')) return <WorkerPage session={session} workerId={params.workerId || undefined} />;
  if (matchPath('/rollout', path) && can(session, 'rollout.view')) return <RolloutPage session={session} />;
  if ((params = matchPath('/ventures/:projectId?', path)) && can(session, 'venture.view')) return <VenturesPage session={session} projectId={params.projectId || undefined} />;
  if (matchPath('/reports/monthly', path)) return <MonthlyPage search={search} />;
  if (matchPath('/reports/rollup', path)) return <RollupPage />;
  if (matchPath('/posts', path) && can(session, 'services.view')) return <PostsPage session={session} />;
  if (matchPath('/partners', path) && can(session, 'partners.view')) return <PartnersPage session={session} />;
  if (matchPath('/services', path) && can(session, 'services.view')) return <ServicesPage session={session} communityId={search.get('communityId') ?? undefined} />;
  if ((params = matchPath('/cases/:callId?', path))) return <CasesPage session={session} callId={params.callId || undefined} caseId={search.get('case') || undefined} />;
  if (matchPath('/manual', path)) return <ManualPage search={search} />;
  if ((params = matchPath('/requests/:requestId?', path))) return <RequestsPage session={session} requestId={params.requestId || undefined} />;
  if (matchPath('/inbox', path)) return <InboxPage session={session} onlyUnread={search.get('unread') === '1'} />;
  if (matchPath('/users', path) && can(session, 'users.manage')) return <UsersPage session={session} />;
  if (matchPath('/notifications/failures', path) && can(session, 'notifications.failures')) return <FailuresPage session={session} />;
  if (matchPath('/tokens', path) && can(session, 'tokens.manage')) return <TokensPage session={session} />;
  if (matchPath('/audit', path) && can(session, 'audit.view')) return <AuditPage />;
  if ((params = matchPath('/communities/:communityId', path))) return <CommunityPage session={session} communityId={params.communityId!} />;
  if (matchPath('/account', path)) return <div className="stack"><MyWorkerSection session={session} /><AccountPage session={session} /><CalendarFeedSection session={session} /></div>;
  return <OverviewPage session={session} />;
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
