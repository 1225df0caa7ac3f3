// `--key FILE`: created once with mode 0600, then the same key (the same fingerprint) every time; a bad file is a usage error.

import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityFromKeyFile } from '../../src/cli/key-file';
import { UsageError } from '../../src/cli/flags';

describe('--key FILE', () => {
  it('creates the key file readable by its owner only, and reads back the same key', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'chatterbox-key-')), 'node.jwk');
    const created = await identityFromKeyFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await identityFromKeyFile(file);
    expect(again.fingerprint).toBe(created.fingerprint);
    expect(created.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file that is not a P-256 private JWK, saying so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chatterbox-key-'));
    const notJson = path.join(dir, 'a.jwk');
    writeFileSync(notJson, 'hello');
    await expect(identityFromKeyFile(notJson)).rejects.toThrow(new UsageError(`--key ${notJson}: not valid JSON (a JWK private key)`));
    const rsa = path.join(dir, 'b.jwk');
    writeFileSync(rsa, JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB' }));
    await expect(identityFromKeyFile(rsa)).rejects.toThrow(/not an EC P-256 private key/);
    await expect(identityFromKeyFile(path.join(dir, 'missing', 'c.jwk'))).rejects.toThrow(/cannot create the key file/);
  });
});
