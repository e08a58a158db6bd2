import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { HostBridge } from '../../src/shared/contract/api.js';

/** The first administrator's password on the consoles the tests start (given with --admin-password-file). */
export const TEST_ADMIN_PASSWORD = 'zhili-test-admin-password';
export const TEST_ADMIN = 'admin';

/** Writes the test administrator's password where only this user can read it, for --admin-password-file. */
export function adminPasswordFile(dir: string): string {
  const file = join(dir, 'admin-password');
  writeFileSync(file, `${TEST_ADMIN_PASSWORD}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** Signs a host connection in (over the contract, as an Electron window does), failing the test if refused. */
export async function signInBridge(bridge: HostBridge, username = TEST_ADMIN, password = TEST_ADMIN_PASSWORD): Promise<void> {
  const response = await bridge.call('session.signIn', { username, password });
  if (!response.ok) throw new Error(`sign-in as ${username} refused: ${response.error.code}: ${response.error.message}`);
}

/** Signs in over the web host's HTTP route, as its sign-in page does, and returns the session cookie's value. */
export async function signInCookie(baseUrl: string, username = TEST_ADMIN, password = TEST_ADMIN_PASSWORD): Promise<string> {
  const origin = new URL(baseUrl).origin;
  const response = await fetch(new URL('/auth/sign-in', origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${username} refused: ${response.status} ${await response.text()}`);
  const cookie = /zhili_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error('the sign-in set no session cookie');
  return cookie;
}

/** A browser context holding a signed-in session for `baseUrl` (each context is one browser profile). */
export async function signedInContext(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}, username = TEST_ADMIN, password = TEST_ADMIN_PASSWORD): Promise<BrowserContext> {
  return contextWithCredential(browser, baseUrl, await signInCookie(baseUrl, username, password), options);
}

/** A page in its own signed-in context (closing the page's context is the caller's: `page.context().close()`). */
export async function signedInPage(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}): Promise<Page> {
  return (await signedInContext(browser, baseUrl, options)).newPage();
}

/** Issues a crew phone's or wall screen's credential (as an administrator) and enrols it as its device does. */
export async function enrolDevice(admin: HostBridge, baseUrl: string, request: { kind: 'crew'; crewId: string } | { kind: 'screen'; label: string }): Promise<string> {
  const issued = await admin.call('credentials.issue', request);
  if (!issued.ok) throw new Error(`credentials.issue refused: ${issued.error.code}: ${issued.error.message}`);
  const origin = new URL(baseUrl).origin;
  const response = await fetch(new URL('/auth/redeem', origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ code: issued.value.enrolmentCode }),
  });
  const cookie = /zhili_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!response.ok || !cookie) throw new Error(`enrolment refused: ${response.status} ${await response.text()}`);
  return cookie;
}

/** A browser context holding a credential's cookie (from signInCookie or enrolDevice). */
export async function contextWithCredential(browser: Browser, baseUrl: string, credential: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.addCookies([{ name: 'zhili_session', value: credential, url: new URL(baseUrl).origin, httpOnly: true, sameSite: 'Strict' }]);
  return context;
}

/** Signs a page's browser in from the page itself (as its sign-in form does), for a host Node cannot reach by name. */
export async function signInFromPage(page: Page, username = TEST_ADMIN, password = TEST_ADMIN_PASSWORD): Promise<void> {
  const status = await page.evaluate(
    async ([user, secret]) =>
      (await fetch('/auth/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password: secret }) })).status,
    [username, password] as const,
  );
  if (status !== 200) throw new Error(`sign-in from the page refused: ${status}`);
}

/** Calls a contract method over a WebSocket of the page's own (its cookie is the caller's credential). */
export async function callFromPage<T>(page: Page, method: string, params: unknown): Promise<T> {
  const response = await page.evaluate(
    ([name, body]) =>
      new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((resolve, reject) => {
        // In the page: its own location (this file is typed for Node, without the DOM's names).
        const page = (globalThis as unknown as { location: { protocol: string; host: string } }).location;
        const socket = new WebSocket(`${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}/api/ws`);
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { t: string; id?: number; response?: { ok: boolean; value?: unknown; error?: { message: string } } };
          if (message.t === 'hello') socket.send(JSON.stringify({ t: 'call', id: 1, method: name, params: body }));
          if (message.t === 'result' && message.id === 1 && message.response) {
            socket.close();
            resolve(message.response);
          }
        };
        socket.onerror = () => reject(new Error('the page could not open its API socket'));
      }),
    [method, params] as const,
  );
  if (!response.ok) throw new Error(`${method} refused: ${response.error?.message ?? ''}`);
  return response.value as T;
}

/** Enrols a page's browser with a one-time enrolment code from the page itself (as a crew phone or wall screen does). */
export async function redeemFromPage(page: Page, code: string): Promise<void> {
  const status = await page.evaluate(
    async (enrolmentCode) =>
      (await fetch('/auth/redeem', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: enrolmentCode }) })).status,
    code,
  );
  if (status !== 200) throw new Error(`enrolment from the page refused: ${status}`);
}
