/**
 * RSA with seeded randomness (src/application/pki/rsa-seeded.ts), read by the real OpenSSL:
 * `openssl pkeyutl -decrypt` recovers a premaster secret netlab encrypted with PKCS #1
 * v1.5, and `openssl dgst -verify` with PSS padding accepts netlab's RSA-PSS signatures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePrivateKeyPem } from '../../src/application/pki/keys.ts';
import { seededRandomSource } from '../../src/application/pki/random-source.ts';
import { rsaPkcs1Encrypt, rsaPssSign } from '../../src/application/pki/rsa-seeded.ts';
import { sampleRsaKey } from '../../src/application/pki/sample-rsa-keys.ts';
import { Random } from '../../src/sim/random.ts';
import { hasOpenssl, openssl, tempDir, warnIfNoOpenssl } from './openssl-helpers.ts';

warnIfNoOpenssl('the seeded-RSA interop tests');

describe.skipIf(!hasOpenssl())('OpenSSL reads seeded RSA', () => {
  const dir = tempDir('netlab-rsa-');
  const key = sampleRsaKey(1);
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, encodePrivateKeyPem(key));

  it('decrypts the PKCS #1 v1.5 encrypted premaster secret', () => {
    const premaster = Uint8Array.from({ length: 48 }, (_, i) => (i < 2 ? 3 : (i * 37) & 0xff));
    const c = rsaPkcs1Encrypt(key.publicKey, premaster, seededRandomSource(new Random(42)));
    writeFileSync(join(dir, 'pms.enc'), c);
    const r = openssl([
      'pkeyutl',
      '-decrypt',
      '-inkey',
      keyFile,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      join(dir, 'pms.enc'),
      '-out',
      join(dir, 'pms.bin'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(new Uint8Array(readFileSync(join(dir, 'pms.bin')))).toEqual(premaster);
  });

  it('verifies RSA-PSS signatures (SHA-256, salt 32; SHA-384, salt 48)', () => {
    const data = new TextEncoder().encode('transcript hash and context string');
    writeFileSync(join(dir, 'data.bin'), data);
    for (const [hash, salt] of [
      ['sha256', 32],
      ['sha384', 48],
    ] as const) {
      const sig = rsaPssSign(key, hash, salt, data, seededRandomSource(new Random(9)));
      writeFileSync(join(dir, `sig-${hash}.bin`), sig);
      const r = openssl([
        'dgst',
        `-${hash}`,
        '-sigopt',
        'rsa_padding_mode:pss',
        '-sigopt',
        `rsa_pss_saltlen:${salt}`,
        '-prverify',
        keyFile,
        '-signature',
        join(dir, `sig-${hash}.bin`),
        join(dir, 'data.bin'),
      ]);
      expect(r.stdout.trim()).toBe('Verified OK');
      expect(r.status).toBe(0);
    }
  });
});
