import { useEffect, useMemo, useState } from 'react';
import { roleFromPath, roles } from '../../../shared/domain/roles.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { useStore } from '../../state/store.js';
import { AboutDialog } from '../about/index.js';
import { ConnectionIndicator } from '../connection/index.js';
import { DispatchView } from '../dispatch/index.js';
import { MapView } from '../map/index.js';
import { KpiBar } from '../overview/index.js';
import { Clock } from './Clock.js';
import { HelpOverlay } from './HelpOverlay.js';
import { PlansView } from '../plans/index.js';
import { VideoView } from '../video/index.js';
import { navigateToRole, shortcutTitle } from '../intent/index.js';
import { NoticeStrip } from '../notices/index.js';
import { SettingsView } from '../settings/index.js';
import { TourBadge, TourProblems, useTourPlan } from '../tour/index.js';
import { SceneBadge } from '../wall/index.js';
import { windowScreenOf } from '../wall/index.js';
import { SecureContextBanner } from '../secure-context/index.js';
import { LockStrip, RefusalBanner, SessionBadge } from '../session/index.js';
import './shell.css';

/** The frame every window shows: roles, the headline figures, the connection state and the clock. */
export function Shell() {
  const t = useTranslation();
  const model = useAppModel();
  const { role, overlay } = useStore(model.shell, (state) => state);
  const settings = useStore(model.settings, (value) => value);
  const hostLink = useStore(model.connection, (state) => state.host);
  const viewOnly = useStore(model.session.state, (state) => state.principal?.kind === 'screen');
  const tour = useTourPlan();
  const screen = useMemo(() => windowScreenOf(location.search), []);
  const [toolsOpen, setToolsOpen] = useState(false);

  useEffect(() => {
    document.documentElement.lang = settings.language;
    document.documentElement.dataset.theme = settings.theme;
    document.title = `${t(`role.${role}`)} · ${t('app.shortName')}`;
  }, [settings, role, t]);

  // The window's one keyboard dispatcher: every shortcut is an action of the registry (features/intent).
  useEffect(() => model.intents.listen(window), [model]);
  useEffect(() => {
    const onPop = () => model.setRole(roleFromPath(location.pathname) ?? 'map');
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [model]);

  return (
    <div className="shell">
      <header className="shell-header">
        <div className="brand" title={t('app.name')}>
          <span className="brand-mark" aria-hidden="true">
            {t('app.mark')}
          </span>
          <h1>{t('app.name')}</h1>
          <span className="synthetic-badge" title={t('about.syntheticNote')}>
            {t('synthetic.badge')}
          </span>
        </div>
        <nav className="roles" aria-label="roles">
          {roles.map((name, index) => (
            <a
              key={name}
              href={`/${name}`}
              className={name === role ? 'active' : ''}
              aria-current={name === role ? 'page' : undefined}
              title={`${t(`role.${name}`)} (Alt+${index + 1})`}
              onClick={(event) => {
                event.preventDefault();
                navigateToRole(model, name);
              }}
            >
              {t(`role.${name}`)}
            </a>
          ))}
        </nav>
        <SceneBadge />
        <Clock />
        {/* On a narrow window the tools fold behind the "more" button (CSS decides when: on a wide one it is hidden).
            A choice made in the folded menu closes it, as do Escape (handled here, so the window's keyboard dispatcher
            leaves that key alone) and focus leaving it (a click elsewhere). */}
        <div
          className="header-menu"
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget)) setToolsOpen(false);
          }}
          onKeyDown={(event) => {
            if (event.key !== 'Escape' || !toolsOpen) return;
            event.preventDefault();
            setToolsOpen(false);
          }}
        >
          <button
            type="button"
            className="header-more"
            aria-expanded={toolsOpen}
            aria-controls="header-tools"
            data-testid="header-more"
            onClick={() => setToolsOpen((open) => !open)}
          >
            {t('header.more')} ▾
          </button>
          <div
            id="header-tools"
            className={toolsOpen ? 'header-tools open' : 'header-tools'}
            data-testid="header-tools"
            onClick={(event) => {
              if ((event.target as Element).closest('button')) setToolsOpen(false);
            }}
          >
            <SessionBadge />
            {!viewOnly && (
              <button type="button" data-testid="language-toggle" title={shortcutTitle('language.toggle')} onClick={() => void model.intents.run('language.toggle')}>
                {t('language.switch')}
              </button>
            )}
            {!viewOnly && (
              <button type="button" title={shortcutTitle('settings.toggle')} data-testid="settings-open" onClick={() => void model.intents.run('settings.toggle')}>
                {t('settings.open')}
              </button>
            )}
            <button type="button" title={shortcutTitle('about.toggle')} onClick={() => void model.intents.run('about.toggle')}>
              {t('about.open')}
            </button>
            <button type="button" title={shortcutTitle('help.toggle')} onClick={() => void model.intents.run('help.toggle')}>
              {t('help.open')}
            </button>
          </div>
        </div>
      </header>
      <KpiBar />
      <SecureContextBanner />
      <LockStrip />
      <RefusalBanner />
      <NoticeStrip />
      {hostLink === 'disconnected' && (
        <div className="banner" role="alert">
          {t('connection.lost')}
        </div>
      )}
      {!screen.ok && (
        <div className="banner" role="alert" data-testid="screen-invalid">
          {t('window.screenInvalid')} "{screen.value}"
        </div>
      )}
      <main className="role-area" data-role={role}>
        {tour && !tour.ok ? (
          <TourProblems problems={tour.problems} />
        ) : (
          <>
            {role === 'map' && <MapView />}
            {role === 'dispatch' && <DispatchView />}
            {role === 'video' && <VideoView />}
            {role === 'plans' && <PlansView />}
          </>
        )}
      </main>
      {tour?.ok && <TourBadge roles={tour.roles} dwellSeconds={tour.dwellSeconds} />}
      <footer className="shell-footer">
        <ConnectionIndicator />
      </footer>
      {overlay === 'about' && <AboutDialog />}
      {overlay === 'help' && <HelpOverlay />}
      {overlay === 'settings' && <SettingsView />}
    </div>
  );
}
