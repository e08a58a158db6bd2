import { isUniqueViolation, revokeInForce, type BackendStore } from '../db/backend-store.js';
import type { ConsoleCredentialsTable } from '../db/backend-tables.js';
import { credentialNameSchema, generateCredential, secretHash, secretMatches, splitCredential } from '../credentials/index.js';

/** What an operator calls a console when enrolling it: letters, digits, `.`, `_` and `-`, as in a file name. */
export const ConsoleNameSchema = credentialNameSchema('console');

export interface EnrolledConsole {
  name: string;
  credentialId: string;
  /** The console id the credential was first used with (null: not used yet); every later use must present the same. */
  consoleId: string | null;
  enrolledAt: string;
  revokedAt: string | null;
}

export type ConsoleAuthentication =
  | { ok: true; name: string; consoleId: string }
  | { ok: false; detail: 'no-credential' | 'malformed' | 'unknown-or-revoked' | 'wrong-secret' | 'bound-to-another-console' | 'console-id-taken' };


export class ConsoleNameTaken extends Error {
  constructor(name: string) {
    super(`A console named "${name}" is enrolled already: revoke it first (--revoke-console ${name}) or choose another name.`);
    this.name = 'ConsoleNameTaken';
  }
}

/**
 * The consoles allowed to connect to this backend, each by a credential of its own kept hashed in the backend's
 * database (so enrolment and revocation survive restarts and can be done by another process on the same data folder),
 * plus in-memory ones (the embedded backend's own console, whose credential lives only in that process).
 *
 * Identity: a console stamps its own id (made once in its own data folder) on every record it originates, before it
 * ever reaches a backend, so the backend cannot hand it one. Instead the credential is bound to the console id it is
 * first used with; from then on the backend refuses that credential with any other id, and that id with any other
 * credential in force. A console's id is therefore as hard to take as its credential, and its sync records, SIP
 * dispatcher seat and WebRTC sessions stay its own.
 */
export class ConsoleCredentials {
  private readonly inMemory = new Map<string, ConsoleCredentialsTable>();

  constructor(private readonly store: BackendStore) {}

  /** Enrols a console under a new name; the credential is returned once and only its hash is kept. */
  async enrol(name: string, now = new Date()): Promise<{ console: EnrolledConsole; credential: string }> {
    const parsedName = ConsoleNameSchema.parse(name);
    const credential = generateCredential();
    const { credentialId, secret } = splitCredential(credential) as { credentialId: string; secret: string };
    try {
      await this.store.db
        .insertInto('console_credentials')
        .values({ credential_id: credentialId, name: parsedName, secret_sha256: secretHash(secret), console_id: null, enrolled_at: now.toISOString(), revoked_at: null })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error, 'console_credentials', 'name', 'console_credentials_name_in_force')) throw new ConsoleNameTaken(parsedName);
      throw error;
    }
    return { console: { name: parsedName, credentialId, consoleId: null, enrolledAt: now.toISOString(), revokedAt: null }, credential };
  }

  /** Admits a credential made in this process (the embedded backend's console) until the process ends; nothing is stored. */
  admitInMemory(name: string, credential: string, now = new Date()): void {
    const parts = splitCredential(credential);
    if (!parts) throw new Error('The in-process console credential is malformed.');
    const { credentialId, secret } = parts;
    this.inMemory.set(credentialId, {
      credential_id: credentialId,
      name: ConsoleNameSchema.parse(name),
      secret_sha256: secretHash(secret),
      console_id: null,
      enrolled_at: now.toISOString(),
      revoked_at: null,
    });
  }

  /** Revokes the credential in force under `name`; false when there is none. Consoles connected with it stay until they disconnect. */
  revoke(name: string, now = new Date()): Promise<boolean> {
    return revokeInForce(this.store, 'console_credentials', name, now);
  }

  /** Every stored credential, in force or revoked, oldest first (by the millisecond; enrolments within one come by id). */
  async list(): Promise<EnrolledConsole[]> {
    const rows = await this.store.db.selectFrom('console_credentials').selectAll().orderBy('enrolled_at').orderBy('credential_id').execute();
    return rows.map(enrolledConsole);
  }

  /** Checks a console's credential and binds it to `declaredConsoleId` on first use (see the class comment). */
  async authenticate(credential: string | undefined, declaredConsoleId: string): Promise<ConsoleAuthentication> {
    if (credential === undefined || credential === '') return { ok: false, detail: 'no-credential' };
    const parts = splitCredential(credential);
    if (!parts) return { ok: false, detail: 'malformed' };
    const { credentialId, secret } = parts;
    const inMemory = this.inMemory.get(credentialId);
    const row = inMemory ?? (await this.inForce(credentialId));
    if (!row) return { ok: false, detail: 'unknown-or-revoked' };
    if (!secretMatches(secret, row.secret_sha256)) return { ok: false, detail: 'wrong-secret' };
    if (row.console_id === null) {
      if (await this.consoleIdInForce(declaredConsoleId)) return { ok: false, detail: 'console-id-taken' };
      if (inMemory) {
        inMemory.console_id = declaredConsoleId;
      } else {
        try {
          // No row changed: another process bound or revoked it since the read; judge again from what is stored now.
          const bound = await this.store.db
            .updateTable('console_credentials')
            .set({ console_id: declaredConsoleId })
            .where('credential_id', '=', credentialId)
            .where('console_id', 'is', null)
            .where('revoked_at', 'is', null)
            .executeTakeFirst();
          if (bound.numUpdatedRows === 0n) return this.authenticate(credential, declaredConsoleId);
        } catch (error) {
          // Another backend process (or node) on the same database bound the id meanwhile.
          if (isUniqueViolation(error, 'console_credentials', 'console_id', 'console_credentials_console_in_force')) return { ok: false, detail: 'console-id-taken' };
          throw error;
        }
      }
      return { ok: true, name: row.name, consoleId: declaredConsoleId };
    }
    if (row.console_id !== declaredConsoleId) return { ok: false, detail: 'bound-to-another-console' };
    return { ok: true, name: row.name, consoleId: row.console_id };
  }

  private inForce(credentialId: string): Promise<ConsoleCredentialsTable | undefined> {
    return this.store.db.selectFrom('console_credentials').selectAll().where('credential_id', '=', credentialId).where('revoked_at', 'is', null).executeTakeFirst();
  }

  private async consoleIdInForce(consoleId: string): Promise<boolean> {
    if ([...this.inMemory.values()].some((row) => row.console_id === consoleId)) return true;
    const row = await this.store.db
      .selectFrom('console_credentials')
      .select('credential_id')
      .where('console_id', '=', consoleId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }
}

function enrolledConsole(row: ConsoleCredentialsTable): EnrolledConsole {
  return { name: row.name, credentialId: row.credential_id, consoleId: row.console_id, enrolledAt: row.enrolled_at, revokedAt: row.revoked_at };
}
