import type { BackendStore } from '../db/backend-store.js';
import { runCredentialAdmin, type CredentialAdminCommand, type CredentialAdminOptions } from '../credentials/index.js';
import { SourceCredentials } from './source-credentials.js';

/** The standalone backend's source options: give a device platform or system a credential, revoke it, list them. */
export const sourceAdminOptions: CredentialAdminOptions<'source'> = { subject: 'source', add: 'add-source', revoke: 'revoke-source', list: 'list-sources' };

/** Runs a source command on the backend's database; resolves to what to tell the operator. Rejects with a StartupError on refusal. */
export function runSourceAdmin(command: CredentialAdminCommand<'source'>, store: BackendStore): Promise<string> {
  const sources = new SourceCredentials(store);
  return runCredentialAdmin(
    command,
    { add: (name) => sources.add(name), revoke: (name) => sources.revoke(name), list: () => sources.list() },
    {
      added: (name, file) =>
        `Added source "${name}"; its credential is in ${file} (0600): it publishes over MQTT with the username "${name}" and that credential as its password, or over HTTP with "Authorization: Bearer <credential>".`,
      revoked: (name) => `Revoked source "${name}": its MQTT connections are closed within seconds and its requests refused.`,
      unknown: (name) => `No source "${name}" has a credential (--list-sources shows who has).`,
      none: 'No source has a credential: add one with --add-source <name> --credential-out <file>.',
      line: (entry) => [entry.name, entry.revokedAt === null ? 'in force' : `revoked ${entry.revokedAt}`, `added ${entry.addedAt}`].join('\t'),
    },
  );
}
