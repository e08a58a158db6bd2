import { StartupError } from '../../node/startup-error.js';
import { takeOptions } from '../../node/take-options.js';
import { incidentSourceSystems } from '../../shared/domain/feed.js';
import { SourceScopeSchema, type SourceScope } from '../../shared/ingest/index.js';
import type { BackendStore } from '../db/backend-store.js';
import { runCredentialAdmin, type CredentialAdminCommand, type CredentialAdminOptions } from '../credentials/index.js';
import { SourceCredentials } from './source-credentials.js';

const scopeOptions = { 'may-report': { type: 'string' }, devices: { type: 'string' } } as const;

/**
 * Takes `--may-report <systems>` and `--devices <ids and prefixes*>` (comma-separated, or `none`) out of the backend's
 * arguments: what a source added with --add-source may speak for. Either left out: any (as before scopes).
 */
export function takeSourceScope(argv: readonly string[]): { scope: SourceScope | null; rest: string[] } {
  const { values, rest } = takeOptions(argv, scopeOptions);
  const list = (name: keyof typeof scopeOptions): string[] | null => {
    const value = values[name];
    if (value === undefined) return null;
    if (typeof value !== 'string' || value.trim() === '') throw new StartupError(`--${name} needs a comma-separated list, or none.`);
    if (value.trim() === 'none') return [];
    return value.split(',').map((entry) => entry.trim()).filter(Boolean);
  };
  const [systems, devices] = [list('may-report'), list('devices')];
  if (systems === null && devices === null) return { scope: null, rest };
  const parsed = SourceScopeSchema.safeParse({ systems, devices });
  if (!parsed.success) {
    throw new StartupError(
      `The source's scope is not valid (${parsed.error.issues[0]?.message ?? 'invalid'}): --may-report takes ${incidentSourceSystems.join(', ')}; --devices takes device ids or prefixes ending in *, such as SN0001*.`,
    );
  }
  return { scope: parsed.data, rest };
}

/** The standalone backend's source options: give a device platform or system a credential, revoke it, list them. */
export const sourceAdminOptions: CredentialAdminOptions<'source'> = { subject: 'source', add: 'add-source', revoke: 'revoke-source', list: 'list-sources' };

/** Runs a source command on the backend's database; resolves to what to tell the operator. Rejects with a StartupError on refusal. */
export function runSourceAdmin(command: CredentialAdminCommand<'source'>, store: BackendStore, scope: SourceScope | null): Promise<string> {
  const sources = new SourceCredentials(store);
  return runCredentialAdmin(
    command,
    { add: (name) => sources.add(name, scope), revoke: (name) => sources.revoke(name), list: () => sources.list() },
    {
      added: (name, file) =>
        `Added source "${name}"; its credential is in ${file} (0600): it publishes over MQTT with the username "${name}" and that credential as its password, or over HTTP with "Authorization: Bearer <credential>".`,
      revoked: (name) => `Revoked source "${name}": its MQTT connections are closed within seconds and its requests refused.`,
      unknown: (name) => `No source "${name}" has a credential (--list-sources shows who has).`,
      none: 'No source has a credential: add one with --add-source <name> --credential-out <file>.',
      line: (entry) => [entry.name, entry.revokedAt === null ? 'in force' : `revoked ${entry.revokedAt}`, `added ${entry.addedAt}`, scopeText(entry.scope)].join('\t'),
    },
  );
}

/** A scope as the source list shows it. */
function scopeText(scope: SourceScope | null): string {
  if (scope === null) return 'may speak for any system and device';
  const part = (label: string, values: readonly string[] | null) => `${label} ${values === null ? 'any' : values.length === 0 ? 'none' : values.join(',')}`;
  return `${part('reports as', scope.systems)}; ${part('devices', scope.devices)}`;
}
