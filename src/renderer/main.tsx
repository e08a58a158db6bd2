import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import { roleFromPath } from '../shared/domain/roles.js';
import { isTourPath, parseTourParams } from '../shared/wall/tour.js';
import { connectToHost } from './bridge/host.js';
import { Shell } from './features/shell/Shell.js';
import { AppModel, AppModelContext } from './state/app-model.js';
import './ui/app.css';

// A kiosk tour opens on its first stop; the tour then moves the window from role to role.
const tour = isTourPath(location.pathname) ? parseTourParams([...new URLSearchParams(location.search)]) : null;
const model = new AppModel(connectToHost(), (tour?.ok ? tour.roles[0] : undefined) ?? roleFromPath(location.pathname) ?? 'map');
window.addEventListener('pagehide', () => model.dispose());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppModelContext.Provider value={model}>
      <Shell />
    </AppModelContext.Provider>
  </StrictMode>,
);
