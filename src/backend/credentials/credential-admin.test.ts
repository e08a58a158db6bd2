import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testStores } from '../../../test/helpers/test-stores.js';
import { consoleAdminOptions, runConsoleAdmin } from '../consoles/index.js';
import { parseCredentialAdmin, type CredentialAdminOptions } from './index.js';

const sources: CredentialAdminOptions<'source'> = { subject: 'source', add: 'add-source', revoke: 'revoke-source', list: 'list-sources' };
const kinds = [consoleAdminOptions, sources] as const;

describe('credential options', () => {
  const work = mkdtempSync(join(tmpdir(), 'zhili-credential-admin-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  // The commands run on the repositories, whose tests cover both engines.
  const stores = testStores('sqlite');

  it('take their options out of the arguments and leave the host options', () => {
    expect(parseCredentialAdmin(['--data-dir', 'd', '--add-source', 'hotline', '--credential-out', 'f', '--port', '1'], kinds)).toEqual({
      command: { subject: 'source', kind: 'add', name: 'hotline', credentialOut: join(process.cwd(), 'f') },
      rest: ['--data-dir', 'd', '--port', '1'],
    });
    expect(parseCredentialAdmin(['--revoke-console=desk'], kinds).command).toEqual({ subject: 'console', kind: 'revoke', name: 'desk' });
    expect(parseCredentialAdmin(['--list-sources'], kinds).command).toEqual({ subject: 'source', kind: 'list' });
    expect(parseCredentialAdmin(['--port', '1'], kinds)).toEqual({ command: null, rest: ['--port', '1'] });
  });

  it('refuse two commands, a credential without its file, a file without a command and a bad name', () => {
    expect(() => parseCredentialAdmin(['--list-consoles', '--list-sources'], kinds)).toThrow(/one of --enrol-console, .* and --list-sources at a time/);
    expect(() => parseCredentialAdmin(['--add-source', 'a'], kinds)).toThrow(/--add-source needs --credential-out/);
    expect(() => parseCredentialAdmin(['--credential-out', 'f', '--list-sources'], kinds)).toThrow(/goes with --enrol-console <name> or --add-source <name>/);
    expect(() => parseCredentialAdmin(['--revoke-source', '../x'], kinds)).toThrow(/not a source name/);
  });

  it('write a new credential 0600 and never over an existing file; revoke and list', async () => {
    const db = await stores.fresh();
    const file = join(work, 'desk.credential');
    const add = parseCredentialAdmin(['--enrol-console', 'desk', '--credential-out', file], [consoleAdminOptions]).command;
    expect(add && (await runConsoleAdmin(add, db))).toContain('Enrolled console "desk"');
    expect(readFileSync(file, 'utf8')).toMatch(/^[\w-]{12}\.[\w-]{43}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(add && runConsoleAdmin(add, db)).rejects.toThrow(/exists already/);
    expect(await runConsoleAdmin({ subject: 'console', kind: 'list' }, db)).toMatch(/^desk\tin force/);
    expect(await runConsoleAdmin({ subject: 'console', kind: 'revoke', name: 'desk' }, db)).toContain('Revoked console "desk"');
    await expect(runConsoleAdmin({ subject: 'console', kind: 'revoke', name: 'desk' }, db)).rejects.toThrow(/No console "desk"/);
  });
});
