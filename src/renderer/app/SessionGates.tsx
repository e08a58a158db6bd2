import { type Store, useStore } from '../state/store.js';
import { useTranslation } from '../i18n/use-translation.js';
import type { AppModel } from '../state/app-model.js';
import { AppModelContext } from '../state/app-model-context.js';
import { CrewTerminal } from '../features/crew/index.js';
import { Shell } from '../features/shell/index.js';
import { ConnectingView, seesTheWall, SignInProblemNote, SignInView, type SessionModel } from '../features/session/index.js';

/**
 * The renderer's root, above every feature (so in no feature's folder): which page a credential gets.
 *
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
