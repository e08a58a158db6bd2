import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from '../../state/store.js';
import type { ApiError } from '../../../shared/contract/errors.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import type { SessionModel } from './session-model.js';
import { signInProblemOf } from './session-state.js';
import './session.css';

/** Shown until the host has said who this page is. */
export function ConnectingView() {
  const t = useTranslation();
  return (
    <main className="sign-in" data-testid="session-connecting">
      <p className="muted">{t('session.connecting')}</p>
    </main>
  );
}

export function SignInView({ session }: { session: SessionModel }) {
  const t = useTranslation();
  const linkError = useStore(session.state, (state) => state.linkError);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const shown = error ?? linkError;

  useEffect(() => {
    document.title = `${t('session.title')} · ${t('app.shortName')}`;
  }, [t]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || username.trim() === '' || password === '') return;
    setBusy(true);
    setError(null);
    void session.signIn(username.trim(), password).then((response) => {
      setBusy(false);
      if (response.ok) return;
      setError(response.error);
      setPassword('');
    });
  };

  return (
    <main className="sign-in">
      <form className="dialog sign-in-form" data-testid="sign-in" onSubmit={submit}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            {t('app.shortName').slice(0, 1)}
          </span>
          <h1>{t('app.name')}</h1>
        </div>
        <h2>{t('session.title')}</h2>
        <label>
          {t('session.username')}
          <input autoFocus autoComplete="username" value={username} maxLength={32} onChange={(event) => setUsername(event.target.value)} data-testid="sign-in-username" />
        </label>
        <label>
          {t('session.password')}
          <input type="password" autoComplete="current-password" value={password} maxLength={200} onChange={(event) => setPassword(event.target.value)} data-testid="sign-in-password" />
        </label>
        {shown && <SignInProblemNote error={shown} />}
        <button type="submit" className="primary" disabled={busy || username.trim() === '' || password === ''} data-testid="sign-in-submit">
          {busy ? t('session.signingIn') : t('session.signIn')}
        </button>
        <p className="muted">{t('session.firstStart')}</p>
      </form>
    </main>
  );
}

/** A refused sign-in, unlock or link, said plainly, with the host's own words. */
export function SignInProblemNote({ error }: { error: ApiError }) {
  const t = useTranslation();
  const problem = signInProblemOf(error);
  const text = problem.kind === 'too-many' ? t('session.problem.too-many', { seconds: problem.waitSeconds }) : t(`session.problem.${problem.kind}`);
  return (
    <p className="manual-note" role="alert" data-testid="sign-in-error" data-problem={problem.kind}>
      {text}{' '}
      <span className="muted">
        ({t('session.hostSays')}: {error.message})
      </span>
    </p>
  );
}

/** Who is signed in on this window (name and roles), with Lock and Sign out; a wall screen says it only views. */
export function SessionBadge() {
  const t = useTranslation();
  const model = useAppModel();
  const principal = useStore(model.session.state, (state) => state.principal);
  if (principal?.kind === 'screen') {
    return (
      <span className="view-only-badge" data-testid="view-only" title={t('session.viewOnlyNote')}>
        {t('session.viewOnly')} · {principal.label}
      </span>
    );
  }
  if (principal?.kind !== 'user') return null;
  const roles = principal.roles.length > 0 ? principal.roles.map((role) => t(`operatorRole.${role}`)).join(' · ') : t('session.noRoles');
  return (
    <span className="session-badge" data-testid="session-user" data-username={principal.username}>
      <span className="session-who" title={`${t('session.user')}: ${principal.username} (${roles})`}>
        <strong data-testid="session-name">{principal.displayName}</strong>
        <span className="muted" data-testid="session-roles">
          {roles}
        </span>
      </span>
      <button type="button" data-testid="lock" title="Alt+K" disabled={principal.locked} onClick={() => void model.session.lock()}>
        {t('session.lock')}
      </button>
      <button type="button" data-testid="sign-out" onClick={() => void model.session.signOut()}>
        {t('session.signOut')}
      </button>
    </span>
  );
}

/** A locked session: the wall stays as it is, this strip says so and takes the password that unlocks it. */
export function LockStrip() {
  const t = useTranslation();
  const model = useAppModel();
  const principal = useStore(model.session.state, (state) => state.principal);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (principal?.kind !== 'user' || !principal.locked) return null;
  const unlock = (event: FormEvent) => {
    event.preventDefault();
    if (busy || password === '') return;
    setBusy(true);
    void model.session.unlock(password).then((refused) => {
      setBusy(false);
      setPassword('');
      setError(refused);
    });
  };
  return (
    <form className="lock-strip" role="alert" data-testid="lock-strip" onSubmit={unlock}>
      <span>
        {t('session.locked')} ({principal.displayName})
      </span>
      <input
        type="password"
        autoFocus
        autoComplete="current-password"
        aria-label={t('session.password')}
        value={password}
        maxLength={200}
        onChange={(event) => setPassword(event.target.value)}
        data-testid="unlock-password"
      />
      <button type="submit" disabled={busy || password === ''} data-testid="unlock">
        {t('session.unlock')}
      </button>
      {error && <SignInProblemNote error={error} />}
    </form>
  );
}

/** The host's last refusal of a command from this window (its role does not allow it, the screen is locked). */
export function RefusalBanner() {
  const t = useTranslation();
  const model = useAppModel();
  const refusal = useStore(model.refusal, (value) => value);
  if (refusal === null) return null;
  return (
    <div className="banner refusal" role="alert" data-testid="refusal" data-code={refusal.code}>
      {t('session.refused')}: {refusal.message}{' '}
      <button type="button" onClick={() => model.dismissRefusal()}>
        {t('session.dismiss')}
      </button>
    </div>
  );
}
