import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writePrivateFile } from '../../node/private-files.js';
import { StartupError, errorCode, errorMessage } from '../../node/startup-error.js';
import type { SqliteDatabase } from '../../node/sqlite.js';
import { ConsoleCredentials, ConsoleNameSchema } from './console-credentials.js';

/** What the standalone backend does instead of serving when given one of its console options. */
export type ConsoleAdminCommand = { kind: 'enrol'; name: string; credentialOut: string } | { kind: 'revoke'; name: string } | { kind: 'list' };

const adminOptions = {
  'enrol-console': { type: 'string' },
  'credential-out': { type: 'string' },
  'revoke-console': { type: 'string' },
  'list-consoles': { type: 'boolean' },
} as const;

/**
 * Takes the console options out of the backend's arguments: the command they ask for (null: serve as usual) and the
 * other arguments, which the host options (--data-dir …) are read from as for every entry point.
 */
export function parseConsoleAdmin(argv: readonly string[]): { command: ConsoleAdminCommand | null; rest: string[] } {
  const { values, tokens } = parseArgs({ args: [...argv], options: adminOptions, strict: false, allowPositionals: true, tokens: true });
  const taken = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in adminOptions)) continue;
    taken.add(token.index);
    if (token.value !== undefined && token.inlineValue === false) taken.add(token.index + 1);
  }
  const rest = argv.filter((_, index) => !taken.has(index));
  const text = (name: 'enrol-console' | 'credential-out' | 'revoke-console'): string | null => {
    const value = values[name];
    if (value === undefined) return null;
    if (typeof value !== 'string' || value === '') throw new StartupError(`--${name} needs a value.`);
    return value;
  };
  const enrol = text('enrol-console');
  const credentialOut = text('credential-out');
  const revoke = text('revoke-console');
  const list = values['list-consoles'] === true;
  if ([enrol !== null, revoke !== null, list].filter(Boolean).length > 1) {
    throw new StartupError('Give one of --enrol-console, --revoke-console and --list-consoles at a time.');
  }
  if (credentialOut !== null && enrol === null) throw new StartupError('--credential-out goes with --enrol-console <name>.');
  const name = (value: string, option: string) => {
    const parsed = ConsoleNameSchema.safeParse(value);
    if (!parsed.success) throw new StartupError(`"${value}" given to ${option} is not a console name: use 1 to 64 letters, digits, ".", "_" or "-".`);
    return parsed.data;
  };
  if (enrol !== null) {
    // Never on the command line (ps shows it to every user): the credential goes into a file only its owner reads.
    if (credentialOut === null) throw new StartupError('--enrol-console needs --credential-out <file>: the new credential is written there (0600), never printed.');
    return { command: { kind: 'enrol', name: name(enrol, '--enrol-console'), credentialOut: resolve(credentialOut) }, rest };
  }
  if (revoke !== null) return { command: { kind: 'revoke', name: name(revoke, '--revoke-console') }, rest };
  return { command: list ? { kind: 'list' } : null, rest };
}

/** Runs a console command on the backend's database; returns what to tell the operator. Throws StartupError on refusal. */
export function runConsoleAdmin(command: ConsoleAdminCommand, db: SqliteDatabase): string {
  const consoles = new ConsoleCredentials(db);
  switch (command.kind) {
    case 'enrol': {
      if (existsSync(command.credentialOut)) {
        throw new StartupError(`${command.credentialOut} exists already: give --credential-out a new file, so no other console's credential is overwritten.`);
      }
      let enrolled: ReturnType<ConsoleCredentials['enrol']>;
      try {
        enrolled = consoles.enrol(command.name);
      } catch (error) {
        throw new StartupError(errorMessage(error), { cause: error });
      }
      try {
        writePrivateFile(command.credentialOut, `${enrolled.credential}\n`);
      } catch (error) {
        // A credential nobody holds must not stay in force.
        consoles.revoke(command.name);
        throw new StartupError(`Cannot write ${command.credentialOut} (${errorCode(error) ?? errorMessage(error)}): the enrolment was undone; choose a writable path.`, {
          cause: error,
        });
      }
      return `Enrolled console "${command.name}"; its credential is in ${command.credentialOut} (0600): start that console with --backend-token-file ${command.credentialOut}.`;
    }
    case 'revoke':
      if (!consoles.revoke(command.name)) throw new StartupError(`No console "${command.name}" is enrolled (--list-consoles shows who is).`);
      return `Revoked console "${command.name}": it can no longer connect (one connected now keeps its connection until it drops).`;
    case 'list': {
      const entries = consoles.list();
      if (entries.length === 0) return 'No console is enrolled: add one with --enrol-console <name> --credential-out <file>.';
      return entries
        .map((entry) =>
          [entry.name, entry.revokedAt === null ? 'in force' : `revoked ${entry.revokedAt}`, `enrolled ${entry.enrolledAt}`, `console ${entry.consoleId ?? '(not connected yet)'}`].join('\t'),
        )
        .join('\n');
    }
  }
}
