import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
import type { ApiError } from '../../../shared/contract/errors.js';
import type { Crew } from '../../../shared/domain/directory.js';
import { roles, type Role } from '../../../shared/domain/roles.js';
import { operatorRoles } from '../../../shared/identity/operator-roles.js';
import type { CredentialSummary, IssuedCredential, User } from '../../../shared/identity/accounts.js';
import { ApiCallError, callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { beijingDateTime } from '../../ui/time-format.js';
import { credentialStatus, enrolmentLink, type EnrolmentTarget } from '../session/index.js';
import { blankUserForm, formOfUser, userSaveOf, withRole, type UserForm } from './user-form.js';
import type { FormProblem } from './scene-form.js';

type Status = { ok: true } | { ok: false; message: string } | null;

function StatusNote({ status, saved, testId }: { status: Status; saved: string; testId: string }) {
  const t = useTranslation();
  if (status === null) return null;
  return status.ok ? (
    <span data-testid={`${testId}-saved`}>{saved}</span>
  ) : (
    <span className="manual-note" role="alert" data-testid={`${testId}-error`}>
      {t('settings.saveFailed')}: {status.message}
    </span>
  );
}

/** Any signed-in user: their own password (their sessions elsewhere end). */
export function PasswordChange() {
  const t = useTranslation();
  const model = useAppModel();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [status, setStatus] = useState<Status>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (next !== repeat) return setStatus({ ok: false, message: t('account.mismatch') });
    void model.session.changePassword(current, next).then((error) => {
      setStatus(error ? { ok: false, message: messageOf(error) } : { ok: true });
      if (!error) {
        setCurrent('');
        setNext('');
        setRepeat('');
      }
    });
  };
  return (
    <section className="settings-section" aria-labelledby="settings-account">
      <h3 id="settings-account">{t('account.title')}</h3>
      <form className="scene-form" onSubmit={submit} data-testid="password-change">
        <label>
          {t('account.currentPassword')}
          <input type="password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.target.value)} data-testid="password-current" />
        </label>
        <label>
          {t('account.newPassword')}
          <input type="password" autoComplete="new-password" value={next} onChange={(event) => setNext(event.target.value)} data-testid="password-new" />
        </label>
        <label>
          {t('account.repeatPassword')}
          <input type="password" autoComplete="new-password" value={repeat} onChange={(event) => setRepeat(event.target.value)} data-testid="password-repeat" />
        </label>
        <div className="settings-actions">
          <button type="submit" disabled={current === '' || next === ''} data-testid="password-submit">
            {t('account.change')}
          </button>
          <StatusNote status={status} saved={t('account.changed')} testId="password" />
        </div>
      </form>
    </section>
  );
}

/** An administrator's list of users, and the form that adds or changes one. */
export function UsersEditor() {
  const t = useTranslation();
  const model = useAppModel();
  const [users, setUsers] = useState<User[]>([]);
  const [form, setForm] = useState<UserForm | null>(null);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [status, setStatus] = useState<Status>(null);

  useEffect(() => {
    let cancelled = false;
    callHost(model.host.bridge, 'users.list', {}).then(
      (list) => !cancelled && setUsers(list),
      (error: Error) => !cancelled && setStatus({ ok: false, message: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [model]);

  const edit = (next: UserForm | null) => {
    setForm(next);
    setProblems([]);
    setStatus(null);
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const checked = userSaveOf(form);
    if (!checked.ok) return setProblems(checked.problems);
    setProblems([]);
    callHost(model.host.bridge, 'users.save', checked.save).then(
      (list) => {
        setUsers(list);
        setForm(null);
        setStatus({ ok: true });
      },
      (error: Error) => {
        if (error instanceof ApiCallError && error.error.issues) setProblems(error.error.issues);
        setStatus({ ok: false, message: error.message });
      },
    );
  };

  return (
    <section className="settings-section" aria-labelledby="settings-users">
      <h3 id="settings-users">{t('users.title')}</h3>
      <table className="users-table" data-testid="users">
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.displayName')}</th>
            <th>{t('users.roles')}</th>
            <th>{t('users.lastSignIn')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} data-testid="user" data-username={user.username}>
              <td>
                {user.username}
                {user.disabled && <span className="muted"> ({t('users.disabled')})</span>}
              </td>
              <td>{user.displayName}</td>
              <td>{user.roles.map((role) => t(`operatorRole.${role}`)).join(' · ')}</td>
              <td>{user.lastSignInAt ? beijingDateTime(user.lastSignInAt) : t('users.never')}</td>
              <td>
                <button type="button" onClick={() => edit(formOfUser(user))}>
                  {t('users.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {form === null ? (
        <div className="settings-actions">
          <button type="button" data-testid="user-add" onClick={() => edit(blankUserForm)}>
            {t('users.add')}
          </button>
          <StatusNote status={status} saved={t('users.saved')} testId="user" />
        </div>
      ) : (
        <form className="scene-form" onSubmit={save} data-testid="user-form">
          <label>
            {t('users.username')}
            <input value={form.username} autoComplete="off" onChange={(event) => setForm({ ...form, username: event.target.value })} data-testid="user-username" />
          </label>
          <label>
            {t('users.displayName')}
            <input value={form.displayName} onChange={(event) => setForm({ ...form, displayName: event.target.value })} data-testid="user-display-name" />
          </label>
          <fieldset className="wide">
            <legend>{t('users.roles')}</legend>
            {operatorRoles.map((role) => (
              <label key={role} className="check">
                <input type="checkbox" checked={form.roles.includes(role)} onChange={(event) => setForm(withRole(form, role, event.target.checked))} data-testid={`user-role-${role}`} />
                {t(`operatorRole.${role}`)}
              </label>
            ))}
          </fieldset>
          <label className="check">
            <input type="checkbox" checked={form.disabled} onChange={(event) => setForm({ ...form, disabled: event.target.checked })} data-testid="user-disabled" />
            {t('users.disabled')}
          </label>
          <label>
            {t('users.password')}
            {form.id !== null && <span className="muted"> ({t('users.passwordKeep')})</span>}
            <input type="password" autoComplete="new-password" value={form.password} onChange={(event) => setForm({ ...form, password: event.target.value })} data-testid="user-password" />
          </label>
          {problems.length > 0 && (
            <ul className="plan-problems" role="alert" data-testid="user-problems">
              {problems.map((problem) => (
                <li key={`${problem.path}:${problem.message}`}>
                  {problem.path}: {problem.message}
                </li>
              ))}
            </ul>
          )}
          <div className="settings-actions wide">
            <button type="submit" data-testid="user-save">
              {t('users.save')}
            </button>
            <button type="button" onClick={() => edit(null)}>
              {t('users.cancel')}
            </button>
            <StatusNote status={status} saved={t('users.saved')} testId="user" />
          </div>
        </form>
      )}
    </section>
  );
}

/**
 * An administrator's view of every credential that reaches this host (sign-in sessions, crew terminals, wall
 * screens), revocable at once; and where crew phones and wall screens are enrolled: the link and its QR code are
 * shown once, as the host keeps only a hash of the code.
 */
export function CredentialsEditor() {
  const t = useTranslation();
  const model = useAppModel();
  const [credentials, setCredentials] = useState<CredentialSummary[]>([]);
  const [crews, setCrews] = useState<Crew[]>([]);
  const [crewId, setCrewId] = useState('');
  const [label, setLabel] = useState('');
  const [page, setPage] = useState<Role>('map');
  const [issued, setIssued] = useState<{ issued: IssuedCredential; target: EnrolmentTarget } | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const failed = useCallback((error: Error) => setStatus({ ok: false, message: error.message }), []);

  const load = useCallback(() => {
    callHost(model.host.bridge, 'credentials.list', {}).then(setCredentials, failed);
  }, [model, failed]);
  useEffect(load, [load]);
  useEffect(() => {
    callHost(model.host.bridge, 'directory.crews', { limit: 1000 }).then((list) => {
      setCrews(list);
      setCrewId((current) => current || (list[0]?.id ?? ''));
    }, failed);
  }, [model, failed]);

  const issue = (request: { kind: 'crew'; crewId: string } | { kind: 'screen'; label: string }, target: EnrolmentTarget) => {
    setStatus(null);
    setIssued(null);
    callHost(model.host.bridge, 'credentials.issue', request).then((answer) => {
      setIssued({ issued: answer, target });
      load();
    }, failed);
  };
  const revoke = (credentialId: string) => {
    setStatus(null);
    callHost(model.host.bridge, 'credentials.revoke', { credentialId }).then(setCredentials, failed);
  };
  const now = new Date();
  const crewName = (id: string | null) => crews.find((crew) => crew.id === id)?.name ?? id ?? '';

  return (
    <section className="settings-section" aria-labelledby="settings-credentials">
      <h3 id="settings-credentials">{t('credentials.title')}</h3>
      <div className="settings-actions">
        <label>
          {t('credentials.crew')}{' '}
          <select value={crewId} onChange={(event) => setCrewId(event.target.value)} data-testid="issue-crew-select">
            {crews.map((crew) => (
              <option key={crew.id} value={crew.id}>
                {crew.id} · {crew.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={crewId === ''} onClick={() => issue({ kind: 'crew', crewId }, 'crew')} data-testid="issue-crew">
          {t('credentials.issueCrew')}
        </button>
      </div>
      <div className="settings-actions">
        <label>
          {t('credentials.label')}{' '}
          <input value={label} maxLength={50} onChange={(event) => setLabel(event.target.value)} data-testid="issue-screen-label" />
        </label>
        <label>
          {t('credentials.page')}{' '}
          <select value={page} onChange={(event) => setPage(event.target.value as Role)} data-testid="issue-screen-page">
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={label.trim() === ''} onClick={() => issue({ kind: 'screen', label: label.trim() }, page)} data-testid="issue-screen">
          {t('credentials.issueScreen')}
        </button>
      </div>
      {issued && <Enrolment issued={issued.issued} target={issued.target} />}
      <StatusNote status={status} saved="" testId="credentials" />
      {credentials.length === 0 ? (
        <p className="muted">{t('credentials.none')}</p>
      ) : (
        <table className="credentials-table" data-testid="credentials">
          <thead>
            <tr>
              <th>{t('credentials.kind')}</th>
              <th>{t('credentials.subject')}</th>
              <th>{t('credentials.created')}</th>
              <th>{t('credentials.lastUsed')}</th>
              <th>{t('credentials.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {credentials.map((credential) => {
              const state = credentialStatus(credential, now);
              return (
                <tr key={credential.id} data-testid="credential" data-credential={credential.id} data-kind={credential.kind} data-crew={credential.crewId ?? undefined} data-state={state}>
                  <td>{t(`credentials.kind.${credential.kind}`)}</td>
                  <td>{credential.kind === 'crew' ? `${credential.crewId ?? ''} ${crewName(credential.crewId)}` : credential.subject}</td>
                  <td>
                    {beijingDateTime(credential.createdAt)} <span className="muted">{credential.createdBy}</span>
                  </td>
                  <td>{credential.lastUsedAt ? beijingDateTime(credential.lastUsedAt) : '-'}</td>
                  <td>{t(`credentials.state.${state}`)}</td>
                  <td>
                    {(state === 'active' || state === 'pending') && (
                      <button type="button" className="danger" onClick={() => revoke(credential.id)} data-testid="credential-revoke">
                        {t('credentials.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The enrolment link of a credential just issued, and its QR code (drawn on a canvas: the CSP allows no more). */
function Enrolment({ issued, target }: { issued: IssuedCredential; target: EnrolmentTarget }) {
  const t = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  // The web host's own address is what a phone on the LAN reaches; an Electron window's is not, so only the path is given.
  const web = location.protocol === 'http:' || location.protocol === 'https:';
  const link = enrolmentLink(web ? location.origin : '', target, issued.enrolmentCode);
  useEffect(() => {
    if (!canvas.current || !web) return;
    void QRCode.toCanvas(canvas.current, link, { width: 220, margin: 2 });
  }, [link, web]);
  return (
    <div className="enrolment" data-testid="enrolment" data-credential={issued.credential.id}>
      {web && <canvas ref={canvas} data-testid="enrolment-qr" aria-label={t('credentials.enrolLink')} />}
      <div>
        <p>
          {t('credentials.enrolLink')}: <code data-testid="enrolment-link">{link}</code>
        </p>
        {!web && <p className="muted">{t('credentials.relativeNote')}</p>}
        <p className="muted">
          {t('credentials.issuedNote')} {beijingDateTime(issued.codeExpiresAt)}
        </p>
      </div>
    </div>
  );
}

function messageOf(error: ApiError): string {
  return error.issues?.length ? error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') : error.message;
}
