import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import {
  type Certificate,
  fingerprintSha256,
  formatSerial,
  parseCertificate,
  parseCertificatesPem,
} from './certificate.ts';
import { formatIsoTime } from './der-time.ts';
import { formatName } from './name.ts';
import { Oid } from './oid.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../../../vectors/tls13/rfc8448-simple-1rtt.json', import.meta.url), 'utf8'),
) as { summary: Record<string, string> };
const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

/** The server certificate of RFC 8448 §3, cut out of its Certificate handshake message. */
function rfc8448Certificate(): Uint8Array {
  const msg = fromHex(vectors.summary.certificate!);
  // type(1) length(3) context(1) list length(3) cert length(3)
  const len = (msg[8]! << 16) | (msg[9]! << 8) | msg[10]!;
  return msg.subarray(11, 11 + len);
}

function ok<T>(v: T | ProtocolError): T {
  if (v instanceof ProtocolError) throw new Error(v.toString());
  return v;
}

describe('X.509 certificates', () => {
  it('parses the RFC 8448 server certificate', () => {
    const c = ok(parseCertificate(rfc8448Certificate()));
    expect(c.version).toBe(3);
    expect(c.serialNumber).toBe(2n);
    expect(formatName(c.subject)).toBe('CN = rsa');
    expect(formatName(c.issuer)).toBe('CN = rsa');
    expect(formatIsoTime(c.notBefore)).toBe('2016-07-30T01:23:59Z');
    expect(formatIsoTime(c.notAfter)).toBe('2026-07-30T01:23:59Z');
    expect(c.signatureAlgorithm).toEqual({ kind: 'rsa-pkcs1', hash: 'sha256' });
    expect(c.publicKey.kind === 'rsa' && c.publicKey.bits).toBe(1024);
    expect(c.basicConstraints).toEqual({ ca: false });
    expect(c.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
  });

  it('parses an OpenSSL RSA leaf with DNS, wildcard and IPv4/IPv6 names', () => {
    const [c] = ok(parseCertificatesPem(testdata('rsa-leaf.crt'))) as Certificate[];
    expect(formatSerial(c!.serialNumber)).toBe('4e:cf:59:09:7e:09:2e:07:07:a5:2d:b3:45:b7:eb:96:90:6f:6d:97');
    expect(fingerprintSha256(c!)).toBe(
      'F6:FA:4C:44:BD:E8:F8:88:E5:5C:EB:08:78:D8:72:81:CF:79:5A:16:34:70:24:B5:3F:65:C3:2F:AE:BD:EE:E3',
    );
    expect(c!.subjectAltNames).toEqual([
      { kind: 'dns', name: 'rsa.test' },
      { kind: 'dns', name: '*.rsa.test' },
      { kind: 'ip', bytes: Uint8Array.of(127, 0, 0, 1), text: '127.0.0.1' },
      { kind: 'ip', bytes: fromHex('00000000000000000000000000000001'), text: '::1' },
    ]);
    expect(c!.extKeyUsage).toEqual([Oid.serverAuth]);
    expect(formatName(c!.issuer)).toBe('C = KR, O = OpenSSL Test, CN = OpenSSL RSA Root');
  });

  it('parses OpenSSL EC certificates: P-384 intermediate with pathlen, ecdsa-with-SHA384', () => {
    const inter = ok(parseCertificatesPem(testdata('ec-inter.crt')))[0]!;
    const leaf = ok(parseCertificatesPem(testdata('ec-leaf.crt')))[0]!;
    expect(inter.publicKey).toMatchObject({ kind: 'ec', curve: 'P-384' });
    expect(inter.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(leaf.signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'sha384' });
    expect(toHex(leaf.authorityKeyId!)).toBe(toHex(inter.subjectKeyId!));
    expect(leaf.extKeyUsage).toEqual([Oid.serverAuth, Oid.clientAuth]);
  });

  it('keeps the exact bytes and the signed part', () => {
    const bytes = rfc8448Certificate();
    const c = ok(parseCertificate(bytes));
    expect(c.der).toBe(bytes);
    expect(toHex(c.tbs.subarray(0, 4))).toBe('30820115');
    // Certificate header (4) + TBS + AlgorithmIdentifier (15) + BIT STRING header and unused-bits octet (4) + 128.
    expect(c.tbs.length + 4 + 15 + 4 + 128).toBe(bytes.length);
  });

  it('refuses a certificate whose outer algorithm differs from the signed one', () => {
    const bytes = rfc8448Certificate().slice();
    // The outer AlgorithmIdentifier sits just before the signature BIT STRING: change sha256 (0b) to sha384 (0c).
    const at = bytes.length - 128 - 4 - 3;
    expect(bytes[at]).toBe(0x0b);
    bytes[at] = 0x0c;
    expect((parseCertificate(bytes) as ProtocolError).code).toBe('algorithm-mismatch');
  });

  it('never throws on random bytes or on mutations of a real certificate', () => {
    const real = rfc8448Certificate();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(parseCertificate(b)).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.nat(real.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(real.length),
        (i, v, cut) => {
          const m = real.slice(0, Math.max(cut, i + 1));
          m[i] = v;
          const r = parseCertificate(m);
          if (!(r instanceof ProtocolError)) expect(r.der.length).toBe(m.length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses oversized input before parsing it', () => {
    expect((parseCertificate(new Uint8Array(70_000)) as ProtocolError).code).toBe('too-large');
  });
});
