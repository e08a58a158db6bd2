import { translate } from '../../i18n/catalogue.js';

/**
 * Calls, the microphone, the camera, the device's position and `crypto.randomUUID` exist only in a secure context:
 * a page over HTTPS, or over plain HTTP on loopback. A wall browser that opened the web host by name over plain HTTP
 * has none of them, and would otherwise fail without a word.
 */
export function pageIsSecure(): boolean {
  return window.isSecureContext;
}

/** What a call button says on a page that is not a secure context, in both languages like the engine's other errors. */
export class InsecureContextError extends Error {
  constructor() {
    super(`${translate('zh-CN', 'secureContext.required')} / ${translate('en', 'secureContext.required')}`);
    this.name = 'InsecureContextError';
  }
}

/** Throws the message an operator can act on before anything reaches for the microphone or a random id. */
export function requireSecureContext(): void {
  if (!pageIsSecure()) throw new InsecureContextError();
}
