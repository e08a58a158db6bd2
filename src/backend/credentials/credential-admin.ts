import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { writePrivateFile } from '../../node/private-files.js';
import { takeOptions } from '../../node/take-options.js';
import { StartupError, errorCode, errorMessage } from '../../node/startup-error.js';
import { credentialNameSchema } from './credential-secrets.js';

/** The options that manage one kind of credential holder (consoles, ingestion sources) from the command line. */
export interface CredentialAdminOptions<S extends string> {
  /** What a holder is called in messages: `console`, `source`. */
  subject: S;
  /** The option that adds one, with `--credential-out <file>`: `enrol-console`. */
  add: string;
  revoke: string;
  list: string;
}

/** What the standalone backend does instead of serving when given one of these options (one subject each). */
export type CredentialAdminCommand<S extends string> = S extends string
  ? { subject: S; kind: 'add'; name: string; credentialOut: string } | { subject: S; kind: 'revoke'; name: string } | { subject: S; kind: 'list' }
  : never;

/**
 * Takes the credential options of every kind out of the backend's arguments: the one command they ask for (null: serve
 * as usual) and the other arguments, which the host options (--data-dir …) are read from as for every entry point.
 */
export function parseCredentialAdmin<S extends string>(
  argv: readonly string[],
  kinds: readonly CredentialAdminOptions<S>[],
): { command: CredentialAdminCommand<S> | null; rest: string[] } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { 'credential-out': { type: 'string' } };
  for (const kind of kinds) Object.assign(options, { [kind.add]: { type: 'string' }, [kind.revoke]: { type: 'string' }, [kind.list]: { type: 'boolean' } });
  const { values, rest } = takeOptions(argv, options);
  const text = (name: string): string | null => {
    const value = values[name];
    if (value === undefined) return null;
    if (typeof value !== 'string' || value === '') throw new StartupError(`--${name} needs a value.`);
    return value;
  };
  const commands: CredentialAdminCommand<S>[] = [];
  const credentialOut = text('credential-out');
  for (const { subject, add, revoke, list } of kinds) {
    const name = (value: string, option: string) => {
      const parsed = credentialNameSchema(subject).safeParse(value);
      if (!parsed.success) throw new StartupError(`"${value}" given to --${option} is not a ${subject} name: use 1 to 64 letters, digits, ".", "_" or "-".`);
      return parsed.data;
    };
    const added = text(add);
    const revoked = text(revoke);
    if (added !== null) {
      // Never on the command line (ps shows it to every user): the credential goes into a file only its owner reads.
      if (credentialOut === null) throw new StartupError(`--${add} needs --credential-out <file>: the new credential is written there (0600), never printed.`);
      commands.push({ subject, kind: 'add', name: name(added, add), credentialOut: resolve(credentialOut) } as CredentialAdminCommand<S>);
    }
    if (revoked !== null) commands.push({ subject, kind: 'revoke', name: name(revoked, revoke) } as CredentialAdminCommand<S>);
    if (values[list] === true) commands.push({ subject, kind: 'list' } as CredentialAdminCommand<S>);
  }
  const all = kinds.flatMap((kind) => [kind.add, kind.revoke, kind.list].map((option) => `--${option}`));
  if (commands.length > 1) throw new StartupError(`Give one of ${all.slice(0, -1).join(', ')} and ${all.at(-1) ?? ''} at a time.`);
  const [command = null] = commands;
  if (credentialOut !== null && command?.kind !== 'add') {
    throw new StartupError(`--credential-out goes with ${kinds.map((kind) => `--${kind.add} <name>`).join(' or ')}.`);
  }
  return { command, rest };
}

/** Where one kind of credential is kept: the backend's database. */
export interface CredentialStore<Entry> {
  /** Adds a credential in force under `name` and returns it (only its hash is kept); throws when the name is taken. */
  add(name: string): Promise<{ credential: string }>;
  /** Revokes the credential in force under `name`; false when there is none. */
  revoke(name: string): Promise<boolean>;
  list(): Promise<Entry[]>;
}

/** What the operator is told, in the words of one kind of holder. */
export interface CredentialAdminWording<Entry> {
  added(name: string, credentialOut: string): string;
  revoked(name: string): string;
  unknown(name: string): string;
  none: string;
  /** One line of the list, fields separated by tabs. */
  line(entry: Entry): string;
}

/** Runs a credential command on its store; resolves to what to tell the operator. Rejects with a StartupError on refusal. */
export async function runCredentialAdmin<S extends string, Entry>(
  command: CredentialAdminCommand<S>,
  store: CredentialStore<Entry>,
  wording: CredentialAdminWording<Entry>,
): Promise<string> {
  switch (command.kind) {
    case 'add': {
      if (existsSync(command.credentialOut)) {
        throw new StartupError(`${command.credentialOut} exists already: give --credential-out a new file, so no other ${command.subject}'s credential is overwritten.`);
      }
      let added: { credential: string };
      try {
        added = await store.add(command.name);
      } catch (error) {
        throw new StartupError(errorMessage(error), { cause: error });
      }
      try {
        writePrivateFile(command.credentialOut, `${added.credential}\n`);
      } catch (error) {
        // A credential nobody holds must not stay in force.
        await store.revoke(command.name);
        throw new StartupError(`Cannot write ${command.credentialOut} (${errorCode(error) ?? errorMessage(error)}): it was undone; choose a writable path.`, {
          cause: error,
        });
      }
      return wording.added(command.name, command.credentialOut);
    }
    case 'revoke':
      if (!(await store.revoke(command.name))) throw new StartupError(wording.unknown(command.name));
      return wording.revoked(command.name);
    case 'list': {
      const entries = await store.list();
      return entries.length === 0 ? wording.none : entries.map(wording.line).join('\n');
    }
  }
}
