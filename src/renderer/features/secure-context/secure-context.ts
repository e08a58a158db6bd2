/**
 * Calls, the microphone, the camera, the device's position and `crypto.randomUUID` exist only in a secure context:
 * a page over HTTPS, or over plain HTTP on loopback. A wall browser that opened the web host by name over plain HTTP
 * has none of them, and would otherwise fail without a word.
 */
export function pageIsSecure(): boolean {
  return window.isSecureContext;
}

/** Thrown where a call or the microphone needs a secure context; windows say it as `secureContext.required`. */
export class InsecureContextError extends Error {
  constructor() {
    super('This page is not a secure context (HTTPS or loopback): calls, the microphone and the camera are unavailable.');
    this.name = 'InsecureContextError';
  }
}

/** Throws the message an operator can act on before anything reaches for the microphone or a random id. */
export function requireSecureContext(): void {
  if (!pageIsSecure()) throw new InsecureContextError();
}
