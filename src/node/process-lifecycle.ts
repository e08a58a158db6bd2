import { StartupError } from './startup-error.js';

/**
 * Runs a server entry point: a start failure prints one sentence and exits 1 (the data folder untouched); SIGINT and
 * SIGTERM stop it cleanly, once.
 */
export async function runUntilSignalled(what: string, start: () => Promise<() => Promise<void>>): Promise<void> {
  let stop: () => Promise<void>;
  try {
    stop = await start();
  } catch (error) {
    if (error instanceof StartupError) {
      console.error(`Zhili ${what} could not start: ${error.message}`);
    } else {
      console.error(`Zhili ${what} could not start because of an unexpected error; details follow.`);
      console.error(error);
    }
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Zhili ${what}: stopping (${signal}).`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
