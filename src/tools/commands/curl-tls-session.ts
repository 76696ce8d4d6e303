/**
 * What curl's TLS lines are made of, read from netlab's TLS: the handshake steps (one per
 * message, ChangeCipherSpec and alert, from the 'tls.handshake' and 'tls.alert' trace
 * events of one connection), the server certificate block (subject, issuer, validity,
 * which subjectAltName matched) and the failure a rejected handshake becomes. The text
 * itself is src/tools/format/curl-tls.ts; the transfers that print it are
 * curl-transfers.ts, in the simulator and in real mode alike.
 */
import type { Certificate } from '../../application/pki/certificate.ts';
import { formatOpensslTime } from '../../application/pki/der-time.ts';
import { dnsNameMatches } from '../../application/pki/hostname.ts';
import { ipToBytes } from '../../application/pki/ip-address-bytes.ts';
import type { Name } from '../../application/pki/name.ts';
import { oidName } from '../../application/pki/oid.ts';
import { AlertDescription } from '../../application/tls/alert.ts';
import type { TlsVersion } from '../../application/tls/code-points.ts';
import { TlsError } from '../../application/tls/tls-error.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import type { CurlServerCertificate, CurlTlsFailure, CurlTlsStep } from '../format/curl-tls.ts';
import '../../application/tls/trace-events.ts';
import '../../application/pki/trace-events.ts';

/** A name as curl prints it: attributes in certificate order, `CN=a; O=b`. */
export function curlName(name: Name): string {
  return name.rdns.map((rdn) => rdn.map((a) => `${oidName(a.type)}=${a.value}`).join(' + ')).join('; ');
}

/** Which subjectAltName entry matched the host (curl's `subjectAltName: host ... matched`). */
export function curlHostMatch(cert: Certificate, host: string): CurlServerCertificate['hostMatch'] {
  const ip = ipToBytes(host);
  for (const n of cert.subjectAltNames ?? []) {
    if (ip && n.kind === 'ip' && n.bytes.length === ip.length && n.bytes.every((b, i) => b === ip[i])) {
      return { host, matched: 'ip' };
    }
    if (!ip && n.kind === 'dns' && dnsNameMatches(n.name, host)) return { host, matched: n.name };
  }
  return { host, matched: null };
}

/** The certificate block of `curl -v` for the server's leaf. */
export function curlServerCertificate(leaf: Certificate, host: string): CurlServerCertificate {
  return {
    subject: curlName(leaf.subject),
    issuer: curlName(leaf.issuer),
    startDate: formatOpensslTime(leaf.notBefore),
    expireDate: formatOpensslTime(leaf.notAfter),
    hostMatch: curlHostMatch(leaf, host),
  };
}

/** OpenSSL's handshake message numbers, by netlab's message names. */
const HANDSHAKE_TYPES: Record<string, number> = {
  HelloRequest: 0,
  ClientHello: 1,
  ServerHello: 2,
  HelloRetryRequest: 2,
  NewSessionTicket: 4,
  EncryptedExtensions: 8,
  Certificate: 11,
  ServerKeyExchange: 12,
  CertificateRequest: 13,
  ServerHelloDone: 14,
  CertificateVerify: 15,
  ClientKeyExchange: 16,
  Finished: 20,
  KeyUpdate: 24,
};

/**
 * Turns one connection's TLS trace events into curl's steps as they come: the version
 * printed is the highest offered until the ServerHello, the negotiated one after.
 */
export class CurlTlsSteps {
  readonly steps: CurlTlsStep[] = [];
  private version: TlsVersion;

  constructor(highestOffered: TlsVersion) {
    this.version = highestOffered;
  }

  /** Takes a trace event; returns whether it added a step. */
  add(e: TraceEvent): boolean {
    if (e.type === 'tls.handshake') {
      const direction = e.direction === 'sent' ? 'out' : 'in';
      if (e.details.type === 'ServerHello') this.version = e.details.version === 'TLS 1.2' ? '1.2' : '1.3';
      if (e.details.type === 'ChangeCipherSpec') {
        // OpenSSL 3 reports only the ChangeCipherSpec it sends (real curl 7.88.1 prints no IN line).
        if (direction === 'in') return false;
        this.steps.push({ kind: 'change-cipher-spec', direction, version: this.version });
      } else
        this.steps.push({
          kind: 'handshake',
          direction,
          version: this.version,
          type: HANDSHAKE_TYPES[e.details.type] ?? 0,
        });
      return true;
    }
    if (e.type === 'tls.alert') {
      this.steps.push({
        kind: 'alert',
        direction: e.direction === 'sent' ? 'out' : 'in',
        version: this.version,
        level: e.level,
        description: (AlertDescription as Record<string, number>)[e.alert] ?? 0,
      });
      return true;
    }
    return false;
  }
}

/**
 * What a failed handshake is to curl: a verification failure (60), the server's fatal
 * alert (35, in OpenSSL's words) or another failure (35).
 */
export function curlTlsFailureOf(e: unknown, host: string, events: readonly TraceEvent[]): CurlTlsFailure {
  if (e instanceof TlsError && e.code === 'tls-alert-received')
    return { kind: 'alert', description: e.alert };
  if (e instanceof TlsError && e.code === 'tls-certificate') {
    const validation = events.find((x) => x.type === 'pki.validate');
    const failed =
      validation?.type === 'pki.validate' ? validation.steps.filter((s) => !s.ok).at(-1) : undefined;
    return { kind: 'verify', certificate: e.certificate ?? 'unknown-ca', host, depth: failed?.depth ?? 0 };
  }
  return { kind: 'handshake', message: e instanceof Error ? e.message : String(e) };
}
