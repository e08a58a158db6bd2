import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ZHILI_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, set up as a wall controller runs it. The background-networking switches keep it from
 * calling Google's services (refused here, and noise in the no-external-requests check); gl-egl selects llvmpipe for
 * WebGL where there is no GPU.
 */
export interface LaunchChromiumOptions {
  media?: boolean;
  /** Chromium's host resolver rules, e.g. `MAP zhili.test 127.0.0.1`: a LAN name without touching the machine's DNS. */
  hostResolverRules?: string;
  /**
   * Base64 SHA-256 SPKI pins of certificates to accept though no authority signed them: a pin, as a wall browser
   * trusts the host's self-signed certificate, never blanket ignoring of certificate errors.
   */
  trustedSpkiPins?: readonly string[];
}

export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
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
      ...(options.media ? mediaSwitches : []),
      ...(options.hostResolverRules ? [`--host-resolver-rules=${options.hostResolverRules}`] : []),
      ...(options.trustedSpkiPins?.length ? [`--ignore-certificate-errors-spki-list=${options.trustedSpkiPins.join(',')}`] : []),
    ],
  });
}

/**
 * For calls and WebRTC cameras: fake microphone and camera (a beep and a test picture) granted without a prompt, ICE
 * over loopback (Chromium skips it otherwise and the call is up with no media), and playback without a click.
 */
const mediaSwitches = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

/** Base64 SHA-256 of a certificate's public key (SPKI, DER): the pin `trustedSpkiPins` takes. */
export function spkiPin(certFile: string): string {
  // createPublicKey takes a certificate's PEM and gives its public key.
  return createHash('sha256').update(createPublicKey(readFileSync(certFile)).export({ type: 'spki', format: 'der' })).digest('base64');
}
