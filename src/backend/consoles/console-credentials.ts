import type { SqliteDatabase } from '../../node/sqlite.js';
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

interface CredentialRow {
  credential_id: string;
  name: string;
  secret_sha256: Buffer;
  console_id: string | null;
  enrolled_at: string;
  revoked_at: string | null;
}

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
  private readonly inMemory = new Map<string, CredentialRow>();
  private readonly byId;
  private readonly byConsoleId;
  private readonly bind;

  constructor(private readonly db: SqliteDatabase) {
    this.byId = db.prepare<[string], CredentialRow>('SELECT * FROM console_credentials WHERE credential_id = ? AND revoked_at IS NULL');
    this.byConsoleId = db.prepare<[string], { credential_id: string }>(
      'SELECT credential_id FROM console_credentials WHERE console_id = ? AND revoked_at IS NULL',
    );
    this.bind = db.prepare('UPDATE console_credentials SET console_id = ? WHERE credential_id = ? AND console_id IS NULL AND revoked_at IS NULL');
  }

  /** Enrols a console under a new name; the credential is returned once and only its hash is kept. */
  enrol(name: string, now = new Date()): { console: EnrolledConsole; credential: string } {
    const parsedName = ConsoleNameSchema.parse(name);
    const credential = generateCredential();
    const { credentialId, secret } = splitCredential(credential) as { credentialId: string; secret: string };
    try {
      this.db
        .prepare('INSERT INTO console_credentials (credential_id, name, secret_sha256, console_id, enrolled_at, revoked_at) VALUES (?, ?, ?, NULL, ?, NULL)')
        .run(credentialId, parsedName, secretHash(secret), now.toISOString());
    } catch (error) {
      if (error instanceof Error && error.message.includes('console_credentials.name')) throw new ConsoleNameTaken(parsedName);
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
  revoke(name: string, now = new Date()): boolean {
    return this.db.prepare('UPDATE console_credentials SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(now.toISOString(), name).changes > 0;
  }

  /** Every stored credential, in force or revoked, oldest first. */
  list(): EnrolledConsole[] {
    return this.db
      .prepare<[], CredentialRow>('SELECT * FROM console_credentials ORDER BY enrolled_at, rowid')
      .all()
      .map(enrolledConsole);
  }

  /** Checks a console's credential and binds it to `declaredConsoleId` on first use (see the class comment). */
  authenticate(credential: string | undefined, declaredConsoleId: string): ConsoleAuthentication {
    if (credential === undefined || credential === '') return { ok: false, detail: 'no-credential' };
    const parts = splitCredential(credential);
    if (!parts) return { ok: false, detail: 'malformed' };
    const { credentialId, secret } = parts;
    const inMemory = this.inMemory.get(credentialId);
    const row = inMemory ?? this.byId.get(credentialId);
    if (!row) return { ok: false, detail: 'unknown-or-revoked' };
    if (!secretMatches(secret, row.secret_sha256)) return { ok: false, detail: 'wrong-secret' };
    if (row.console_id === null) {
      if (this.consoleIdInForce(declaredConsoleId)) return { ok: false, detail: 'console-id-taken' };
      if (inMemory) {
        inMemory.console_id = declaredConsoleId;
      } else {
        try {
          // No row changed: another process bound or revoked it since the read; judge again from what is stored now.
          if (this.bind.run(declaredConsoleId, credentialId).changes === 0) return this.authenticate(credential, declaredConsoleId);
        } catch (error) {
          // Another backend process on the same database bound the id meanwhile.
          if (error instanceof Error && /UNIQUE/.test(error.message)) return { ok: false, detail: 'console-id-taken' };
          throw error;
        }
      }
      return { ok: true, name: row.name, consoleId: declaredConsoleId };
    }
    if (row.console_id !== declaredConsoleId) return { ok: false, detail: 'bound-to-another-console' };
    return { ok: true, name: row.name, consoleId: row.console_id };
  }

  private consoleIdInForce(consoleId: string): boolean {
    return [...this.inMemory.values()].some((row) => row.console_id === consoleId) || this.byConsoleId.get(consoleId) !== undefined;
  }
}

function enrolledConsole(row: CredentialRow): EnrolledConsole {
  return { name: row.name, credentialId: row.credential_id, consoleId: row.console_id, enrolledAt: row.enrolled_at, revokedAt: row.revoked_at };
}
