/**
 * A certificate authority, root or intermediate, issuing X.509 v3 certificates from
 * certification requests — the process the notes describe: the site sends its information
 * and public key (signed with its private key), the CA checks the request, then signs the
 * site's name and public key with the CA's own private key. Every request, issuance and
 * refusal is a trace event ('pki.request', 'pki.issue', 'pki.refuse').
 *
 * What it writes (the CA/Browser Forum baseline profile, simplified):
 * - roots: self-signed, basicConstraints critical CA:TRUE (pathlen when given), keyUsage
 *   critical keyCertSign + cRLSign, subject key identifier;
 * - intermediates: the same, signed by their parent, with an authority key identifier;
 * - leaves: basicConstraints critical CA:FALSE, keyUsage critical digitalSignature (plus
 *   keyEncipherment for RSA keys, which TLS 1.2 RSA key exchange needs), extendedKeyUsage
 *   serverAuth and/or clientAuth, the requested subjectAltName, both key identifiers.
 * Serial numbers are 16 random octets (RFC 5280 §4.1.2.2: positive, at most 20 octets).
 *
 * Left out: CRLs and OCSP (no revocation), name constraints, certificate policies.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { type Certificate, fingerprintSha256, formatSerial, signCertificate } from './certificate.ts';
import {
  type CertificationRequest,
  createCertificationRequest,
  namesToGeneralNames,
  type SiteInfo,
  verifyCertificationRequest,
} from './certification-request.ts';
import { bytesToBigint } from './der.ts';
import { DAY, formatIsoTime, type UnixTime } from './der-time.ts';
import type { GeneralName, KeyUsage } from './extensions.ts';
import { certificateNames } from './hostname.ts';
import { describeKey, keyIdentifier, type PrivateKey } from './keys.ts';
import { asName, commonNameOf, formatName, type Name, type NameFields } from './name.ts';
import { Oid } from './oid.ts';
import type { RandomSource } from './random-source.ts';
import { defaultSignatureAlgorithm } from './signature.ts';
import type { CertificateSummary, TraceTarget } from './trace-events.ts';

export interface Validity {
  /** Default: the CA's now. */
  readonly notBefore?: UnixTime;
  /** Default: notBefore + `days`. */
  readonly notAfter?: UnixTime;
  /** Default 90 for leaves (what public CAs issue), 3650 for CAs. */
  readonly days?: number;
}

export interface CaSetup {
  readonly name: NameFields | Name;
  readonly key: PrivateKey;
  readonly validity?: Validity;
  /** basicConstraints pathLenConstraint: how many intermediate CAs may follow below. */
  readonly pathLength?: number;
}

export interface CaContext {
  /** Serial numbers. */
  readonly random: RandomSource;
  /** The CA's clock (default validity starts now). */
  readonly now: () => UnixTime;
  readonly trace?: TraceTarget;
}

export type CertificateUsage = 'server' | 'client' | 'server-and-client';

export interface IssueOptions extends Validity {
  /** Default 'server'. */
  readonly usage?: CertificateUsage;
}

export interface IssuedCertificate {
  readonly certificate: Certificate;
  /** What the site presents: its certificate, then the intermediates (no root). */
  readonly chain: readonly Certificate[];
}

export type RefusalReason = 'bad-proof-of-possession' | 'no-names' | 'policy';

export interface Refusal {
  readonly refused: RefusalReason;
  readonly message: string;
}

export function summarizeCertificate(c: Certificate): CertificateSummary {
  return {
    subject: formatName(c.subject),
    issuer: formatName(c.issuer),
    serial: formatSerial(c.serialNumber),
    notBefore: formatIsoTime(c.notBefore),
    notAfter: formatIsoTime(c.notAfter),
    names: certificateNames(c),
    key: describeKey(c.publicKey),
    ca: c.basicConstraints?.ca ?? false,
    fingerprint: fingerprintSha256(c),
  };
}

export class CertificateAuthority {
  /** Extra checks on requests: return a reason to refuse, or undefined to accept. */
  policy: ((request: CertificationRequest) => string | undefined) | undefined;

  private constructor(
    readonly certificate: Certificate,
    readonly key: PrivateKey,
    /** This CA's certificate, then its issuers' up to and including the root. */
    readonly chain: readonly Certificate[],
    private readonly context: CaContext,
  ) {}

  /** How traces and errors name this CA: its common name. */
  get label(): string {
    return commonNameOf(this.certificate.subject) ?? formatName(this.certificate.subject);
  }

  get isRoot(): boolean {
    return this.chain.length === 1;
  }

  /** A self-signed root CA. */
  static createRoot(setup: CaSetup, context: CaContext): CertificateAuthority {
    const name = asName(setup.name);
    const { notBefore, notAfter } = resolveValidity(setup.validity, context.now(), 3650);
    const keyId = keyIdentifier(setup.key.publicKey);
    const cert = signCertificate(
      {
        serialNumber: serial(context.random),
        issuer: name,
        subject: name,
        notBefore,
        notAfter,
        publicKey: setup.key.publicKey,
        basicConstraints:
          setup.pathLength === undefined ? { ca: true } : { ca: true, pathLength: setup.pathLength },
        keyUsage: ['keyCertSign', 'cRLSign'],
        subjectKeyId: keyId,
        authorityKeyId: keyId,
      },
      setup.key,
      defaultSignatureAlgorithm(setup.key),
    );
    const ca = new CertificateAuthority(cert, setup.key, [cert], context);
    ca.emitIssue(cert);
    return ca;
  }

  /** A CA wrapping an existing certificate and key (one loaded from files). */
  static fromCertificate(
    chain: readonly Certificate[],
    key: PrivateKey,
    context: CaContext,
  ): CertificateAuthority {
    const cert = chain[0];
    if (!cert?.basicConstraints?.ca)
      throw new NetlabError('pki-not-a-ca', 'the certificate is not a CA certificate');
    return new CertificateAuthority(cert, key, chain, context);
  }

  /** An intermediate CA signed by this one. */
  createIntermediate(setup: CaSetup): CertificateAuthority {
    const name = asName(setup.name);
    const { notBefore, notAfter } = resolveValidity(setup.validity, this.context.now(), 1825);
    const cert = signCertificate(
      {
        serialNumber: serial(this.context.random),
        issuer: this.certificate.subject,
        subject: name,
        notBefore,
        notAfter,
        publicKey: setup.key.publicKey,
        basicConstraints:
          setup.pathLength === undefined ? { ca: true } : { ca: true, pathLength: setup.pathLength },
        keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
        extKeyUsage: [Oid.serverAuth, Oid.clientAuth],
        subjectKeyId: keyIdentifier(setup.key.publicKey),
        authorityKeyId: keyIdentifier(this.key.publicKey),
      },
      this.key,
      defaultSignatureAlgorithm(this.key),
    );
    this.emitIssue(cert);
    return new CertificateAuthority(cert, setup.key, [cert, ...this.chain], this.context);
  }

  /** Checks a request and, if it is acceptable, signs a certificate for it. */
  issue(request: CertificationRequest, options: IssueOptions = {}): IssuedCertificate | Refusal {
    const pop = verifyCertificationRequest(request);
    let sans: readonly GeneralName[] = request.subjectAltNames;
    const cn = commonNameOf(request.subject);
    if (sans.length === 0 && cn !== undefined && (options.usage ?? 'server') !== 'client') {
      sans = namesToGeneralNames([cn]);
    }
    const trace = this.context.trace;
    if (trace?.trace.wants('pki.request')) {
      trace.trace.emit({
        type: 'pki.request',
        time: trace.now,
        ca: this.label,
        subject: formatName(request.subject),
        names: sans.map((n) =>
          n.kind === 'ip' ? `IP Address:${n.text}` : n.kind === 'dns' ? `DNS:${n.name}` : n.kind,
        ),
        key: describeKey(request.publicKey),
        proofOfPossession: pop,
      });
    }
    if (!pop) return this.refuse(request, 'bad-proof-of-possession', 'the request is not signed by its key');
    const usage = options.usage ?? 'server';
    if (sans.length === 0 && usage !== 'client') {
      return this.refuse(
        request,
        'no-names',
        'a server certificate needs at least one DNS name or IP address',
      );
    }
    const denied = this.policy?.(request);
    if (denied) return this.refuse(request, 'policy', denied);
    const { notBefore, notAfter } = resolveValidity(options, this.context.now(), 90);
    const keyUsage: KeyUsage[] =
      request.publicKey.kind === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
    const eku =
      usage === 'server'
        ? [Oid.serverAuth]
        : usage === 'client'
          ? [Oid.clientAuth]
          : [Oid.serverAuth, Oid.clientAuth];
    const cert = signCertificate(
      {
        serialNumber: serial(this.context.random),
        issuer: this.certificate.subject,
        subject: request.subject,
        notBefore,
        notAfter,
        publicKey: request.publicKey,
        basicConstraints: { ca: false },
        keyUsage,
        extKeyUsage: eku,
        subjectKeyId: keyIdentifier(request.publicKey),
        authorityKeyId: keyIdentifier(this.key.publicKey),
        subjectAltNames: sans,
      },
      this.key,
      defaultSignatureAlgorithm(this.key),
    );
    this.emitIssue(cert);
    return { certificate: cert, chain: [cert, ...this.chain.slice(0, -1)] };
  }

  /** The whole process for a site: build its request with its key, then issue. Throws if refused. */
  issueFor(site: SiteInfo, key: PrivateKey, options: IssueOptions = {}): IssuedCertificate {
    const r = this.issue(createCertificationRequest(site, key), options);
    if ('refused' in r) throw new NetlabError(`pki-${r.refused}`, r.message);
    return r;
  }

  private refuse(request: CertificationRequest, reason: RefusalReason, message: string): Refusal {
    const trace = this.context.trace;
    if (trace?.trace.wants('pki.refuse')) {
      trace.trace.emit({
        type: 'pki.refuse',
        time: trace.now,
        ca: this.label,
        subject: formatName(request.subject),
        reason: message,
      });
    }
    return { refused: reason, message };
  }

  private emitIssue(cert: Certificate): void {
    const trace = this.context.trace;
    if (trace?.trace.wants('pki.issue')) {
      trace.trace.emit({
        type: 'pki.issue',
        time: trace.now,
        ca: commonNameOf(cert.issuer) ?? formatName(cert.issuer),
        certificate: summarizeCertificate(cert),
      });
    }
  }
}

function resolveValidity(v: Validity | undefined, now: UnixTime, defaultDays: number) {
  const notBefore = Math.floor(v?.notBefore ?? now);
  const notAfter = Math.floor(v?.notAfter ?? notBefore + (v?.days ?? defaultDays) * DAY);
  if (notAfter < notBefore) throw new NetlabError('pki-bad-validity', 'notAfter is before notBefore');
  return { notBefore, notAfter };
}

function serial(random: RandomSource): bigint {
  const b = random(16);
  b[0] = (b[0]! & 0x7f) | 0x40; // positive, and always 16 octets long
  return bytesToBigint(b);
}
