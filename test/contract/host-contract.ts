import { expect, it } from 'vitest';
import { apiEvents, apiMethods, type ApiMethodName, type ApiParams, type HostBridge } from '../../src/shared/contract/api.js';
import type { ApiErrorCode } from '../../src/shared/contract/errors.js';
import { TEST_ADMIN, TEST_ADMIN_PASSWORD, signInBridge } from '../helpers/identity.js';

export interface SampleContext {
  runId: string;
  credentialId: string;
}

/** What each method is called with in the suite, and the error it must answer with where one is expected. */
export interface Sample<M extends ApiMethodName> {
  params: (context: SampleContext) => ApiParams<M>;
  error?: ApiErrorCode;
}

/**
 * One call per method, in this order (a run is started before it is read and commanded); the suite fails to compile
 * when a method is added without a sample.
 */
export const samples: { [M in ApiMethodName]: Sample<M> } = {
  'host.info': { params: () => ({}) },
  'session.current': { params: () => ({}) },
  'session.signIn': { params: () => ({ username: TEST_ADMIN, password: TEST_ADMIN_PASSWORD }) },
  'session.redeem': { params: () => ({ code: 'A'.repeat(32) }), error: 'unauthorized' },
  'session.lock': { params: () => ({}) },
  'session.unlock': { params: () => ({ password: TEST_ADMIN_PASSWORD }) },
  // The current password given is wrong: the caller's other sessions (the second window) stay signed in.
  'session.changePassword': { params: () => ({ currentPassword: 'not the password', newPassword: 'a new password' }), error: 'unauthorized' },
  'users.list': { params: () => ({}) },
  'users.save': { params: () => ({ id: null, username: 'contract-user', displayName: '契约测试', roles: ['dispatcher'], disabled: false, password: 'contract password' }) },
  'credentials.issue': { params: () => ({ kind: 'screen', label: 'contract screen' }) },
  'credentials.list': { params: () => ({}) },
  'credentials.revoke': { params: ({ credentialId }) => ({ credentialId }) },
  'backend.status': { params: () => ({}) },
  'settings.get': { params: () => ({}) },
  'settings.update': { params: () => ({ theme: 'wall-dark' }) },
  'city.basemap': { params: () => ({}) },
  'city.about': { params: () => ({}) },
  'cameras.near': { params: () => ({ position: [106.5772, 29.5576], count: 4, radiusM: 5000 }) },
  'cameras.streams': { params: () => ({ cameraId: 'CM000001' }) },
  // The embedded backend with no cameras file has no WebRTC cameras, so no SFU: each call says it is unavailable.
  'webrtc.capabilities': { params: () => ({}), error: 'unavailable' },
  'webrtc.open': { params: () => ({ streamId: 'cm900001-sub', rtpCapabilities: { codecs: [] } }), error: 'unavailable' },
  'webrtc.connect': { params: () => ({ sessionId: 'none', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } }), error: 'unavailable' },
  'webrtc.close': { params: () => ({ sessionId: 'none' }), error: 'unavailable' },
  'alarms.acknowledge': { params: () => ({ incidentId: 'INC-none' }) },
  'wallPlay.request': { params: () => ({ requestId: 'contract-play-1', cameraId: 'CM000001' }) },
  'wallPlay.claim': { params: () => ({ requestId: 'contract-play-1' }) },
  'cameras.search': { params: () => ({ text: '监控', limit: 20 }) },
  // The contract hosts run without demo PTZ cameras (`--demo-ptz-cameras 0`): the backend drives no head.
  'cameras.ptz': { params: () => ({ cameraId: 'CM000001', command: { kind: 'move', pan: 0.5, tilt: 0, zoom: 0 } }), error: 'unavailable' },
  'snapshots.save': {
    params: () => ({
      cameraId: 'CM000001',
      incidentId: null,
      capturedAt: '2026-11-27T08:00:00.000Z',
      width: 2,
      height: 2,
      jpegBase64: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0xff, 0xd9]).toString('base64'),
    }),
  },
  'snapshots.list': { params: () => ({ incidentId: null, limit: 10 }) },
  'snapshots.image': { params: () => ({ id: '00000000-0000-4000-8000-000000000000' }), error: 'not-found' },
  'cameras.catalogue': { params: () => ({}) },
  'shared.get': { params: () => ({}) },
  'shared.focusIncident': { params: () => ({ incidentId: null }) },
  'mapViews.save': {
    params: () => ({ name: '解放碑', body: { camera: { center: [106.5772, 29.5576], zoom: 15, bearing: 0, pitch: 30 }, layers: { visibility: {}, opacity: {}, gridMeasure: 'alarms' } } }),
  },
  'mapViews.list': { params: () => ({}) },
  'mapViews.delete': { params: () => ({ name: '不存在的视图' }), error: 'not-found' },
  'shared.select': { params: () => ({ selection: { kind: 'sensor', id: 'SN000001' } }) },
  'directory.crews': { params: () => ({ onDutyOnly: true, limit: 5 }) },
  'feed.summary': { params: () => ({}) },
  'sensors.abnormal': { params: () => ({}) },
  'sensors.history': { params: () => ({ sensorId: 'SN000001' }) },
  'incidents.list': { params: () => ({}) },
  'ingest.stats': { params: () => ({}) },
  'incidents.report': {
    params: () => ({ type: 'bridge-strain', title: '市民来电：桥面异响', severity: 'major', position: [106.58, 29.56], districtAdcode: '500103', riskGrade: null }),
  },
  'plans.library': { params: () => ({}) },
  'plans.get': { params: () => ({ planId: 'bridge-structural-alarm' }) },
  'plans.import': { params: () => ({ text: 'formatVersion: 1\nid: [' }) },
  'plans.export': { params: () => ({ planId: 'bridge-structural-alarm' }) },
  'plans.forIncident': { params: () => ({ incidentId: 'INC-none' }), error: 'not-found' },
  'runs.start': { params: () => ({ planId: 'bridge-structural-alarm', incidentId: null, mode: 'drill' }) },
  'runs.list': { params: () => ({}) },
  'runs.get': { params: ({ runId }) => ({ runId }) },
  'runs.command': { params: ({ runId }) => ({ runId, command: { type: 'abort', reason: 'contract test' } }) },
  // The run is this console's own: there is nothing to take over.
  'runs.takeOver': { params: ({ runId }) => ({ runId, reason: 'contract test' }), error: 'conflict' },
  'sync.status': { params: () => ({}) },
  'proposals.list': { params: () => ({}) },
  'proposals.dismiss': { params: () => ({ incidentId: 'INC-none', planId: 'bridge-structural-alarm' }) },
  'drills.inject': { params: () => ({ planId: 'bridge-structural-alarm' }) },
  'cameras.group': { params: () => ({ group: { siteTypes: ['cross-river-bridge'], grades: [] }, count: 4 }) },
  'scenes.list': { params: () => ({}) },
  'scenes.save': {
    params: () => ({
      scene: {
        id: 'contract-test',
        name: { zh: '契约测试', en: 'Contract test' },
        map: { view: { center: [106.5772, 29.5576], zoom: 12 }, layers: ['incidents'] },
        video: { layoutSize: 4, source: { kind: 'nearest-to-focus' } },
        dispatch: { panel: 'incidents' },
        plans: { panel: 'library' },
      },
    }),
  },
  'scenes.apply': { params: () => ({ sceneId: 'normal-duty' }) },
  'window.saveState': { params: () => ({ role: 'video', screen: 'contract', state: { version: 1, data: { layoutSize: 4 } } }) },
  'window.loadState': { params: () => ({ role: 'video', screen: 'contract' }) },
  'wall.displays': { params: () => ({}) },
  // The contract hosts run without a SIP server (`--sip-server none`): the accounts say so as data.
  'dispatch.account': { params: () => ({}), error: 'unavailable' },
  // Crew methods are a crew phone's own (the role matrix calls them as one): a console's user is refused them.
  'crewTerminal.account': { params: () => ({ crewId: 'CR0002' }), error: 'forbidden' },
  'crewTerminal.identify': { params: () => ({ crewId: 'CR0002', user: '6003' }), error: 'forbidden' },
  'crewTerminal.report': { params: () => ({ crewId: 'CR0002', status: 'available', position: [106.58, 29.56] }), error: 'forbidden' },
  'dispatch.groups': { params: () => ({}) },
  'dispatch.resolveTarget': { params: () => ({ target: { group: 'GR001' }, incidentId: null, drill: true }) },
  'calls.request': {
    params: () => ({
      requestId: 'contract-request-1',
      parties: [{ user: '6002', name: null, crewId: 'CR0002' }],
      media: 'audio',
      priority: 'normal',
      incidentId: null,
      runId: null,
      drill: false,
    }),
  },
  'calls.claim': { params: () => ({ requestId: 'contract-request-1' }) },
  'calls.save': {
    params: () => ({
      id: 'contract-call-1',
      direction: 'outgoing',
      media: 'audio',
      peer: { user: '6002', name: null, crewId: 'CR0002' },
      priority: 'normal',
      startedAt: '2026-11-27T08:00:00.000Z',
      answeredAt: null,
      endedAt: '2026-11-27T08:00:30.000Z',
      outcome: 'unavailable',
      problem: null,
      incidentId: null,
      runId: null,
      drill: false,
      groupCallId: null,
      operator: '值班员',
    }),
  },
  'calls.log': { params: () => ({ limit: 10 }) },
  'calls.kpis': { params: () => ({}) },
  // Last: the suite signs the window in again after it.
  'session.signOut': { params: () => ({}) },
};

export interface ContractHost {
  /** Two independent windows/tabs on the same host. */
  first: HostBridge;
  second: HostBridge;
}

/**
 * The contract both transports must satisfy. Each transport's test file calls this inside its own `describe`, with
 * a `host()` that returns the running host (started in that file's beforeAll).
 */
export function hostContractSuite(host: () => ContractHost): void {
  it('answers every method of the contract with a result that matches its schema', async () => {
    const context: SampleContext = { runId: 'none', credentialId: 'CD000000000000' };
    for (const method of Object.keys(samples) as ApiMethodName[]) {
      const sample = samples[method] as Sample<ApiMethodName>;
      const response = await host().first.call(method, sample.params(context) as never);
      if (sample.error) {
        expect(response, method).toMatchObject({ ok: false, error: { code: sample.error } });
        continue;
      }
      expect(response, method).toMatchObject({ ok: true });
      if (!response.ok) continue;
      expect(apiMethods[method].result.safeParse(response.value).success, method).toBe(true);
      if (method === 'runs.start') context.runId = (response.value as { state: { runId: string } }).state.runId;
      if (method === 'credentials.issue') context.credentialId = (response.value as { credential: { id: string } }).credential.id;
    }
    await signInBridge(host().first);
    expect(Object.keys(samples).sort()).toEqual(Object.keys(apiMethods).sort());
  });

  it('rejects an unknown method as data', async () => {
    const response = await host().first.call('no.such.method' as ApiMethodName, {} as never);
    expect(response).toEqual({ ok: false, error: { code: 'unknown-method', message: 'Unknown method "no.such.method".' } });
  });

  it('rejects a payload that breaks the schema with a clear error, and keeps serving', async () => {
    const response = await host().first.call('settings.update', { language: 'klingon' } as never);
    expect(response.ok).toBe(false);
    if (!response.ok) {
      expect(response.error.code).toBe('invalid-params');
      expect(response.error.message).toBe('Invalid params for "settings.update".');
      expect(response.error.issues?.[0]?.path).toBe('language');
    }
    const crews = await host().first.call('directory.crews', { limit: 100_000 } as never);
    expect(crews.ok).toBe(false);
    expect(await host().first.call('settings.get', {})).toMatchObject({ ok: true });
  });

  it('refuses a window state over the size cap or a scene that breaks its schema, and keeps what was stored', async () => {
    const key = { role: 'dispatch', screen: 'contract-cap' } as const;
    await host().first.call('window.saveState', { ...key, state: { version: 1, data: { panel: 'incidents' } } });
    const tooBig = await host().first.call('window.saveState', { ...key, state: { version: 1, data: { note: '视'.repeat(6000) } } });
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'invalid-params', issues: [{ path: 'state.data', message: expect.stringContaining('bytes as JSON') }] } });
    expect(await host().second.call('window.loadState', key)).toMatchObject({ ok: true, value: { version: 1, data: { panel: 'incidents' } } });
    const badScene = await host().first.call('scenes.save', { scene: { id: 'Bad Id', name: { zh: '', en: 'x' } } } as never);
    expect(badScene.ok).toBe(false);
    if (!badScene.ok) expect(badScene.error.issues?.map((issue) => issue.path)).toEqual(expect.arrayContaining(['scene.id', 'scene.name.zh', 'scene.map']));
    const scenes = await host().first.call('scenes.list', {});
    expect(scenes.ok && scenes.value.some((entry) => entry.scene.id === 'Bad Id')).toBe(false);
  });

  it('delivers events to the windows that subscribed, and stops after unsubscribing', async () => {
    const seen: string[] = [];
    const unsubscribe = host().second.subscribe('settings.changed', (settings) => seen.push(settings.language));
    // The subscription message may still be in flight; a round trip on the same channel orders it first.
    await host().second.call('settings.get', {});
    await host().first.call('settings.update', { language: 'en' });
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(['en']);
    unsubscribe();
    await host().second.call('settings.get', {});
    await host().first.call('settings.update', { language: 'zh-CN' });
    await host().second.call('settings.get', {});
    expect(seen).toEqual(['en']);
  });

  it('pushes the live feed with payloads that match the event schemas', async () => {
    const summaries: unknown[] = [];
    const unsubscribe = host().first.subscribe('feed.summary', (summary) => summaries.push(summary));
    await expect.poll(() => summaries.length, { timeout: 10_000 }).toBeGreaterThan(0);
    unsubscribe();
    expect(apiEvents['feed.summary'].safeParse(summaries[0]).success).toBe(true);
  });
}
