import { describe, expect, it } from 'vitest';
import { NO_USER_HASH, hashPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    expect(await hashPassword('same password!')).not.toBe(await hashPassword('same password!'));
  });

  it('treats full-width and half-width forms of a password alike (NFKC), as an IME may type either', async () => {
    expect(await verifyPassword('ＡＢＣｄｅｆ１２３４', await hashPassword('ABCdef1234'))).toBe(true);
  });

  it('matches nothing against the stand-in hash or a malformed one', async () => {
    expect(await verifyPassword('anything at all', NO_USER_HASH)).toBe(false);
    expect(await verifyPassword('anything at all', 'md5$abc')).toBe(false);
  });
});
