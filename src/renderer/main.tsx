import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import { roleFromPath } from '../shared/domain/roles.js';
import { isTourPath, parseTourParams } from '../shared/wall/tour.js';
import { connectToHost } from './bridge/host.js';
import { Shell } from './features/shell/Shell.js';
import { CrewTerminal } from './features/crew/CrewTerminal.js';
import { CREW_TERMINAL_PATH } from '../shared/domain/pages.js';
import { AppModel, AppModelContext } from './state/app-model.js';
import './ui/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

if (location.pathname === CREW_TERMINAL_PATH) {
  // A crew's phone or tablet: its own small page, none of the console's state.
  createRoot(root).render(
    <StrictMode>
      <CrewTerminal bridge={connectToHost().bridge} />
    </StrictMode>,
  );
} else {
  // A kiosk tour opens on its first stop; the tour then moves the window from role to role.
  const tour = isTourPath(location.pathname) ? parseTourParams([...new URLSearchParams(location.search)]) : null;
  const model = new AppModel(connectToHost(), (tour?.ok ? tour.roles[0] : undefined) ?? roleFromPath(location.pathname) ?? 'map');
  window.addEventListener('pagehide', () => model.dispose());
  createRoot(root).render(
    <StrictMode>
      <AppModelContext.Provider value={model}>
        <Shell />
      </AppModelContext.Provider>
    </StrictMode>,
  );
}
