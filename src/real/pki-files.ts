/**
 * `netlab pki init DIR` and `netlab pki issue DIR NAME...`: a local certificate authority on
 * disk, for real clients to trust (`curl --cacert DIR/ca.crt`, `openssl s_client -CAfile`).
 *
 * - init writes DIR/ca.crt (a self-signed root, PEM) and DIR/ca.key (its PKCS #8 key, PEM,
 *   mode 0600); it refuses to overwrite an existing CA unless `force`.
 * - issue writes DIR/NAME.crt (the leaf, then the CA certificate: leaf plus chain) and
 *   DIR/NAME.key for the DNS names and IP addresses given, NAME being the first of them
 *   (`*` becomes `_wildcard`). The certificate says serverAuth and clientAuth.
 *
 * Keys are ECDSA P-256 by default; `rsa` makes RSA-2048 keys with Node's crypto (OpenSSL),
 * since RSA key generation in JavaScript is slow. Everything else is netlab's own PKI
 * code: the request, the issuance, the DER and the PEM.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateAuthority } from '../application/pki/certificate-authority.ts';
import { type Certificate, certificateToPem, parseCertificatesPem } from '../application/pki/certificate.ts';
import { DAY } from '../application/pki/der-time.ts';
import {
  encodePrivateKeyPem,
  generateEcKey,
  keyMatches,
  type PrivateKey,
  parsePrivateKeyPem,
} from '../application/pki/keys.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { hostRandom, hostWallClock } from './tls-host.ts';

export type KeyType = 'ec' | 'rsa';

export interface PkiInitOptions {
  /** Common name of the CA. Default 'netlab Local CA'. */
  readonly commonName?: string;
  /** Default 3650. */
  readonly days?: number;
  readonly keyType?: KeyType;
  /** Replace an existing CA. */
  readonly force?: boolean;
}

export interface PkiIssueOptions {
  /** Default 365. */
  readonly days?: number;
  readonly keyType?: KeyType;
  /** Start of validity (for tests of expiry). Default now. */
  readonly notBefore?: number;
}

export interface PkiFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certificate: Certificate;
}

function newKey(kind: KeyType): PrivateKey {
  if (kind === 'ec') return generateEcKey('P-256', hostRandom);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const k = parsePrivateKeyPem(pem);
  if (k instanceof ProtocolError) throw new NetlabError('pki-key', `RSA key does not parse: ${k}`);
  return k;
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

const context = { random: hostRandom, now: hostWallClock };

export function pkiInit(dir: string, options: PkiInitOptions = {}): PkiFiles {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  if (!options.force && (existsSync(certFile) || existsSync(keyFile))) {
    throw new NetlabError('pki-exists', `${certFile} already exists (use --force to replace it)`);
  }
  const key = newKey(options.keyType ?? 'ec');
  const ca = CertificateAuthority.createRoot(
    {
      name: { organization: 'netlab', commonName: options.commonName ?? 'netlab Local CA' },
      key,
      validity: { days: options.days ?? 3650 },
    },
    context,
  );
  writeFileSync(certFile, certificateToPem(ca.certificate));
  writePrivate(keyFile, encodePrivateKeyPem(key));
  return { certFile, keyFile, certificate: ca.certificate };
}

/** Loads DIR/ca.crt and DIR/ca.key as a CertificateAuthority. */
export function loadCa(dir: string): CertificateAuthority {
  const certs = parseCertificatesPem(readFileSync(join(dir, 'ca.crt'), 'utf8'));
  if (certs instanceof ProtocolError) throw new NetlabError('pki-bad-ca', `${join(dir, 'ca.crt')}: ${certs}`);
  const key = parsePrivateKeyPem(readFileSync(join(dir, 'ca.key'), 'utf8'));
  if (key instanceof ProtocolError) throw new NetlabError('pki-bad-ca', `${join(dir, 'ca.key')}: ${key}`);
  if (!keyMatches(key, certs[0]!.publicKey))
    throw new NetlabError('pki-bad-ca', 'ca.key does not belong to ca.crt');
  return CertificateAuthority.fromCertificate(certs, key, context);
}

/** The file name a certificate for `name` gets. */
export function fileNameFor(name: string): string {
  return name.replace(/\*/g, '_wildcard').replace(/[^A-Za-z0-9._:-]/g, '_');
}

export function pkiIssue(dir: string, names: readonly string[], options: PkiIssueOptions = {}): PkiFiles {
  if (names.length === 0)
    throw new NetlabError('pki-no-names', 'pki issue needs at least one DNS name or IP address');
  const ca = loadCa(dir);
  const key = newKey(options.keyType ?? 'ec');
  const issued = ca.issueFor({ subject: { commonName: names[0]! }, names }, key, {
    usage: 'server-and-client',
    ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
    days: options.days ?? 365,
  });
  const base = fileNameFor(names[0]!);
  const certFile = join(dir, `${base}.crt`);
  const keyFile = join(dir, `${base}.key`);
  writeFileSync(certFile, [...issued.chain, ...ca.chain].map(certificateToPem).join(''));
  writePrivate(keyFile, encodePrivateKeyPem(key));
  return { certFile, keyFile, certificate: issued.certificate };
}

export { DAY };
