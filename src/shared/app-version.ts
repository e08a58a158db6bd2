declare const __ZHILI_VERSION__: string | undefined;

/** The app's version, injected from package.json by every build (esbuild, Vite, Vitest). */
export const APP_VERSION: string = typeof __ZHILI_VERSION__ === 'string' ? __ZHILI_VERSION__ : '0.0.0-dev';
