import { expect, it } from 'vitest';
import { apiEvents, apiMethods, type ApiMethodName, type ApiParams, type HostBridge } from '../../src/shared/contract/api.js';

/** One valid params payload per method: the suite fails to compile when a method is added without one. */
const sampleParams: { [M in ApiMethodName]: ApiParams<M> } = {
  'host.info': {},
  'backend.status': {},
  'settings.get': {},
  'settings.update': { theme: 'wall-dark' },
  'city.basemap': {},
  'city.about': {},
  'directory.crews': { onDutyOnly: true, limit: 5 },
  'feed.summary': {},
  'incidents.list': {},
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
    for (const method of Object.keys(apiMethods) as ApiMethodName[]) {
      const response = await host().first.call(method, sampleParams[method] as never);
      expect(response, method).toMatchObject({ ok: true });
      if (response.ok) expect(apiMethods[method].result.safeParse(response.value).success, method).toBe(true);
    }
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
