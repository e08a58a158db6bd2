import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ZHILI_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, set up as a wall controller runs it. The background-networking switches keep it from
 * calling Google's services (refused here, and noise in the no-external-requests check); gl-egl selects llvmpipe for
 * WebGL where there is no GPU.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set ZHILI_CHROMIUM.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--use-angle=gl-egl',
      '--ignore-gpu-blocklist',
      // Several windows stand side by side on a wall: none of them is a background tab to be throttled.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      // The tests' SFU announces 127.0.0.1; Chromium ignores loopback ICE candidates unless told otherwise.
      '--allow-loopback-in-peer-connection',
    ],
  });
}
