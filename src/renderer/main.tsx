import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
// The base styles before any feature's: features' own stylesheets come with their components and build on these.
import './ui/app.css';
import { roleFromPath } from '../shared/domain/roles.js';
import { isTourPath, parseTourParams } from '../shared/wall/tour.js';
import { connectToHost } from './bridge/host.js';
import { CREW_TERMINAL_PATH } from '../shared/domain/pages.js';
import { perCredential, SessionModel } from './features/session/index.js';
import { AppModel } from './state/app-model.js';
import { ConsoleGate, CrewGate } from './app/SessionGates.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// Who this page is comes first: a `#code=` link (the start-up link, a device's enrolment) is used, then the host asked.
const session = new SessionModel(connectToHost());
void session.start();

if (location.pathname === CREW_TERMINAL_PATH) {
  // A crew's phone or tablet: its own small page, none of the console's state.
  createRoot(root).render(
    <StrictMode>
      <CrewGate session={session} />
    </StrictMode>,
  );
} else {
  // A kiosk tour opens on its first stop; the tour then moves the window from role to role.
  const initialRole = () => {
    const tour = isTourPath(location.pathname) ? parseTourParams([...new URLSearchParams(location.search)]) : null;
    return (tour?.ok ? tour.roles[0] : undefined) ?? roleFromPath(location.pathname) ?? 'map';
  };
  const models = perCredential(session, () => new AppModel(session.host, initialRole(), session));
  window.addEventListener('pagehide', () => models.dispose());
  createRoot(root).render(
    <StrictMode>
      <ConsoleGate session={session} models={models.current} />
    </StrictMode>,
  );
}
