import { type Store, useStore } from '../../state/store.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { AppModelContext, type AppModel } from '../../state/app-model.js';
import { CrewTerminal } from '../crew/CrewTerminal.js';
import { Shell } from '../shell/Shell.js';
import type { SessionModel } from './session-model.js';
import { seesTheWall } from './session-state.js';
import { ConnectingView, SignInProblemNote, SignInView } from './SessionViews.js';
import '../crew/crew.css';

/**
 * The console's page: the shell once a user (or a kiosk wall screen) is signed in, the sign-in view otherwise. Each
 * credential has its own AppModel (see perCredential).
 */
export function ConsoleGate({ session, models }: { session: SessionModel; models: Store<AppModel | null> }) {
  const principal = useStore(session.state, (state) => state.principal);
  const model = useStore(models, (value) => value);
  if (principal === null) return <ConnectingView />;
  if (!seesTheWall(principal) || model === null) return <SignInView session={session} />;
  return (
    <AppModelContext.Provider value={model}>
      <Shell />
    </AppModelContext.Provider>
  );
}

/** The crew terminal's page: the crew comes from the device's enrolled credential, never from the address. */
export function CrewGate({ session }: { session: SessionModel }) {
  const t = useTranslation();
  const principal = useStore(session.state, (state) => state.principal);
  const linkError = useStore(session.state, (state) => state.linkError);
  if (principal === null) return <ConnectingView />;
  if (principal.kind !== 'crew') {
    return (
      <main className="crew-terminal" data-testid="crew-enrol">
        <h1>{t('crew.enrolTitle')}</h1>
        <p className="manual-note">{t('crew.enrol')}</p>
        {linkError && <SignInProblemNote error={linkError} />}
      </main>
    );
  }
  return <CrewTerminal key={principal.credentialId} bridge={session.host.bridge} crewId={principal.crewId} />;
}
