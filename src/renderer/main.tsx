import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import { roleFromPath } from '../shared/domain/roles.js';
import { connectToHost } from './bridge/host.js';
import { Shell } from './features/shell/Shell.js';
import { AppModel, AppModelContext } from './state/app-model.js';
import './ui/app.css';

const model = new AppModel(connectToHost(), roleFromPath(location.pathname) ?? 'map');
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
