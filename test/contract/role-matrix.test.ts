import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type StartedConsole } from '../../src/main/compose/start-console.js';
import type { CallOrigin } from '../../src/main/core/api/dispatcher.js';
import { apiMethodNames, type ApiMethodName } from '../../src/shared/contract/api.js';
import { authorise, methodAccess } from '../../src/shared/identity/access.js';
import { operatorRoles, type OperatorRole } from '../../src/shared/identity/operator-roles.js';
import type { Principal } from '../../src/shared/identity/principal.js';
import { parseHostConfig } from '../../src/node/host-config.js';
import { TEST_ADMIN_PASSWORD } from '../helpers/identity.js';
import { repoRoot } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { samples, type Sample, type SampleContext } from './host-contract.js';

/**
 * Every contract method called by every kind of caller, on the real console core: one user per role, a locked
 * session, a crew terminal's and a wall screen's credential, and nobody. What the core answers must be what the
 * access table says: refused (unauthorized or forbidden) exactly where it does not grant the call.
 */
describe('who may call what', () => {
  let work: string;
  let started: StartedConsole;
  const callers = new Map<string, string | null>();

  const call = (credential: string | null, method: ApiMethodName, params: unknown) => {
    const origin: CallOrigin = { transport: 'test', clientId: 'role-matrix', role: null, address: 'test', session: { credential, adopt: () => undefined } };
    return started.core.dispatch(method, params, origin);
  };

  const signIn = async (username: string): Promise<string> => (await started.core.identity.signIn(username, TEST_ADMIN_PASSWORD, 'test-sign-in')).secret;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-role-matrix-'));
    const config = parseHostConfig({ argv: ['--port', '0', '--data-dir', work, '--sip-server', 'none', '--demo-ptz-cameras', '0'], env: { ZHILI_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }, defaultPort: 0 });
    started = await startConsole({ config, host: 'web', appVersion: '0.1.0', cityDir: testCityDir(), videoDir: join(repoRoot, 'resources', 'video', 'demo'), plansDir: join(repoRoot, 'plans') });
    const identity = started.core.identity;
    for (const role of operatorRoles) {
      await identity.saveUser({ id: null, username: `only-${role}`, displayName: role, roles: [role], disabled: false, password: TEST_ADMIN_PASSWORD }, 'test');
      callers.set(role, await signIn(`only-${role}`));
    }
    const locked = await signIn('admin');
    const lockedPrincipal = identity.principalFor(locked);
    if (lockedPrincipal.kind === 'user') identity.lock(lockedPrincipal);
    callers.set('locked administrator', locked);
    for (const [name, request] of [['crew CR0002', { kind: 'crew', crewId: 'CR0002' }], ['wall screen', { kind: 'screen', label: 'wall 1' }]] as const) {
      callers.set(name, identity.redeem(identity.issue(request, 'test').enrolmentCode, `test-${name}`).secret);
    }
    callers.set('nobody', null);
  });

  afterAll(async () => {
    await started?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('has an entry for every method of the contract', () => {
    expect(Object.keys(methodAccess).sort()).toEqual([...apiMethodNames].sort());
  });

  it('answers each caller exactly as the table says, for every method', async () => {
    const refusals: Record<string, string[]> = {};
    for (const [name, credential] of callers) {
      const context: SampleContext = { runId: 'none', credentialId: 'CD000000000000' };
      // Locking, unlocking and signing out change who the caller is, so they go last, and each call is judged on who
      // the caller is at that moment.
      const last: ApiMethodName[] = ['session.lock', 'session.unlock', 'session.signOut'];
      const methods = [...apiMethodNames.filter((method) => !last.includes(method)), ...last];
      for (const method of methods) {
        const principal: Principal = started.core.identity.principalFor(credential);
        const sample = samples[method] as Sample<ApiMethodName>;
        const params = sample.params(context);
        const response = await call(credential, method, params);
        const refused = !response.ok && (response.error.code === 'unauthorized' || response.error.code === 'forbidden') && /^(Sign in first|Not allowed)/.test(response.error.message);
        const expectRefused = authorise(principal, method, params) !== null;
        expect(refused, `${name} calling ${method}: ${JSON.stringify(response).slice(0, 200)}`).toBe(expectRefused);
        if (refused) (refusals[name] ??= []).push(method);
      }
    }
    // The table's shape, spelled out for the cases the issue names.
    expect(refusals.nobody).not.toContain('session.signIn');
    expect(refusals.nobody).toContain('incidents.list');
    expect(refusals['crew CR0002']).toEqual(expect.arrayContaining(['users.list', 'dispatch.account', 'plans.import', 'calls.log', 'directory.crews']));
    expect(refusals['crew CR0002']).not.toContain('crewTerminal.report');
    expect(refusals['wall screen']).toEqual(expect.arrayContaining(['shared.focusIncident', 'runs.start', 'calls.request']));
    expect(refusals['wall screen']).not.toContain('incidents.list');
    // A kiosk video wall plays the cameras operators send it, and sends none itself.
    expect(refusals['wall screen']).toContain('wallPlay.request');
    expect(refusals['wall screen']).not.toContain('wallPlay.claim');
    expect(refusals['locked administrator']).toEqual(expect.arrayContaining(['runs.start', 'users.list', 'shared.select']));
    expect(refusals['locked administrator']).not.toContain('incidents.list');
    expect(refusals['drill-director']).toContain('incidents.report');
    expect(refusals['drill-director']).not.toContain('drills.inject');
    expect(refusals.administrator).toEqual(expect.arrayContaining(['runs.start', 'calls.request']));
    expect(refusals.administrator).not.toContain('users.save');
  }, 120_000);

  it('lets a crew terminal act for its own crew only', async () => {
    const identity = started.core.identity;
    const crew = identity.redeem(identity.issue({ kind: 'crew', crewId: 'CR0002' }, 'test').enrolmentCode, 'test-crew').secret;
    expect(await call(crew, 'crewTerminal.report', { crewId: 'CR0002', status: 'available', position: [106.58, 29.56] })).toMatchObject({ ok: true });
    const other = await call(crew, 'crewTerminal.report', { crewId: 'CR0003', status: 'available', position: [106.58, 29.56] });
    expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('names the signed-in user in the call log, whatever the window wrote', async () => {
    const dispatcher = await signIn('only-dispatcher');
    const record = { ...(samples['calls.save'].params({ runId: 'none', credentialId: 'CD000000000000' }) as object), id: 'role-matrix-call', operator: 'someone else' };
    expect(await call(dispatcher, 'calls.save', record)).toMatchObject({ ok: true });
    const log = await call(dispatcher, 'calls.log', { limit: 50 });
    if (!log.ok) throw new Error(`calls.log refused: ${log.error.message}`);
    const saved = (log.value as { id: string; operator: string }[]).find((entry) => entry.id === 'role-matrix-call');
    expect(saved?.operator).toBe('dispatcher (only-dispatcher)');
  });

  it('keeps a drill director to drills and the highest-level live plan to the commander', async () => {
    const identity = started.core.identity;
    const director = await signIn('only-drill-director');
    expect(await call(director, 'runs.start', { planId: 'gas-leak', incidentId: null, mode: 'live' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(director, 'runs.start', { planId: 'gas-leak', incidentId: null, mode: 'drill' })).toMatchObject({ ok: true });
    const critical = await call(await signIn('admin'), 'incidents.report', {
      type: 'gas-leak',
      title: 'critical',
      severity: 'critical',
      position: [106.58, 29.56],
      districtAdcode: '500103',
      riskGrade: 'red',
    });
    expect(critical.ok).toBe(true);
    if (!critical.ok) return;
    const incidentId = (critical.value as { id: string }).id;
    const live = { planId: 'gas-leak', incidentId, mode: 'live' } as const;
    await identity.saveUser({ id: null, username: 'dispatcher-2', displayName: 'd', roles: ['dispatcher'] satisfies OperatorRole[], disabled: false, password: TEST_ADMIN_PASSWORD }, 'test');
    expect(await call(await signIn('dispatcher-2'), 'runs.start', live)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('commander') } });
    expect(await call(await signIn('only-commander'), 'runs.start', live)).toMatchObject({ ok: true });
  });
});
