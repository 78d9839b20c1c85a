import { Button, Paragraph, SkipLink, Textfield } from '@digdir/designsystemet-react';
import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from 'react';
import { useFeedsState } from './api/live';
import { useAuth } from './auth';
import { Loading } from './components/ui';
import { useI18n, type Key } from './i18n';
import { href, useRoute, type Route } from './router';
import { Arshjul } from './views/Arshjul';
import { Medlemmer } from './views/Medlemmer';
import { Mote } from './views/Mote';
import { Oppfolging } from './views/Oppfolging';
import { Revisjon } from './views/Revisjon';
import { Sak } from './views/Sak';
import { Saksliste } from './views/Saksliste';
import { Vedtak } from './views/Vedtak';

// recharts is loaded only when the portfolio is opened (keeps the first load small)
const Portefolje = lazy(() => import('./views/Portefolje'));

const NAV: Route['view'][] = ['arshjul', 'saker', 'vedtak', 'portefolje', 'oppfolging', 'medlemmer', 'revisjon'];

function SignInBox() {
  const { t } = useI18n();
  const auth = useAuth();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  if (auth.signedIn)
    return (
      <div className="signin" data-signed-in="true">
        <span>{t('signedIn')}</span>
        <Button variant="secondary" data-size="sm" onClick={auth.signOut}>
          {t('signOut')}
        </Button>
      </div>
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    if (await auth.signIn(token)) setToken('');
    setBusy(false);
  };
  return (
    <form className="signin" onSubmit={submit} data-signed-in="false" aria-label={t('signIn')}>
      {/* no `name`: the form can never put the token in a URL */}
      <Textfield
        label={t('token')}
        type="password"
        autoComplete="off"
        value={token}
        data-size="sm"
        id="token"
        error={auth.refused ? t('tokenUnknown') : undefined}
        onChange={(e) => setToken(e.target.value)}
      />
      <Button type="submit" data-size="sm" disabled={busy || !token.trim()}>
        {busy ? t('tokenChecking') : t('signIn')}
      </Button>
    </form>
  );
}

/** The feeds' state: announced (politely) only when it changes; the position is not announced. */
function LiveStatus() {
  const { t } = useI18n();
  const state = useFeedsState();
  return (
    <p className="live-status" data-state={state}>
      <span aria-live="polite" aria-atomic="true" id="live-state">
        {t('liveStatus', { state: t(`live.${state}` as Key) })}
      </span>
    </p>
  );
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const route = useRoute();
  const auth = useAuth();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // a new view: its heading gets the focus (screen readers hear where they are); not on the first load
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.view, 'id' in route ? route.id : '']);
  const viewKey = `view.${route.view}` as Key;
  useEffect(() => {
    document.title = `${t(viewKey)} – ${t('appName')}`;
  }, [viewKey, t]);
  return (
    <>
      <SkipLink href="#main">{t('skipToMain')}</SkipLink>
      <header className="app-header">
        <div className="brand">
          <a href="#/arshjul" className="logo">
            {t('appName')}
          </a>
          <span className="tagline">{t('appTagline')}</span>
        </div>
        <div className="header-tools">
          <SignInBox />
          <Button variant="tertiary" data-size="sm" lang={lang === 'nb' ? 'en' : 'nb'} aria-label={t('switchLanguageLabel')} onClick={() => setLang(lang === 'nb' ? 'en' : 'nb')} id="lang-switch">
            {t('switchLanguage')}
          </Button>
        </div>
      </header>
      <nav aria-label={t('nav')} className="app-nav">
        <ul>
          {NAV.map((v) => (
            <li key={v}>
              <a href={href({ view: v } as Route)} aria-current={route.view === v ? 'page' : undefined}>
                {t(`view.${v}` as Key)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1} data-view={route.view} key={auth.session}>
        {route.view === 'arshjul' && <Arshjul />}
        {route.view === 'saker' && <Saksliste />}
        {route.view === 'mote' && <Mote id={route.id} />}
        {route.view === 'sak' && <Sak id={route.id} />}
        {route.view === 'vedtak' && <Vedtak />}
        {route.view === 'portefolje' && (
          <Suspense fallback={<Loading />}>
            <Portefolje />
          </Suspense>
        )}
        {route.view === 'oppfolging' && <Oppfolging />}
        {route.view === 'revisjon' && <Revisjon />}
        {route.view === 'medlemmer' && <Medlemmer />}
      </main>
      <footer className="app-footer">
        <LiveStatus />
        <Paragraph data-size="sm">{auth.signedIn ? t('signedIn') : t('signedOut')}</Paragraph>
        <Paragraph data-size="sm">{t('footer')}</Paragraph>
      </footer>
    </>
  );
}
