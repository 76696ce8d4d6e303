/**
 * Does this certificate name this server? RFC 6125 §6 as browsers apply it (and as the
 * CA/Browser Forum baseline requires of certificates):
 *
 * - Only subjectAltName is consulted; the subject's common name is ignored (RFC 6125
 *   §6.4.4 allows it only when there is no SAN; browsers stopped doing even that).
 * - DNS names compare case-insensitively, a trailing dot ignored.
 * - A wildcard is allowed only as the whole left-most label (`*.example.com`), matches
 *   exactly one label (not `example.com`, not `a.b.example.com`), and needs at least two
 *   labels after it (`*.com` matches nothing). Partial wildcards (`w*.example.com`) and
 *   wildcards in IDN A-labels (`xn--*`) match nothing.
 * - An IP address (v4 or v6) is matched only against iPAddress entries, byte for byte,
 *   never against DNS names (RFC 6125 §6.2.1, RFC 5280 §4.2.1.6).
 */
import type { Certificate } from './certificate.ts';
import { ipToBytes } from './ip-address-bytes.ts';

export function normalizeHostname(host: string): string {
  const h = host.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** Whether one SAN dNSName (possibly a wildcard) matches a host name. */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normalizeHostname(pattern);
  const h = normalizeHostname(host);
  if (p === '' || h === '') return false;
  if (!p.includes('*')) return p === h;
  const labels = p.split('.');
  if (labels[0] !== '*' || labels.slice(1).some((l) => l.includes('*')) || labels.length < 3) return false;
  const hostLabels = h.split('.');
  if (hostLabels.length !== labels.length || hostLabels[0] === '' || hostLabels[0]!.startsWith('xn--'))
    return false;
  return hostLabels.slice(1).join('.') === labels.slice(1).join('.');
}

/** Whether the certificate's subjectAltName covers `host` (a DNS name or an IP address). */
export function certificateMatchesHost(cert: Certificate, host: string): boolean {
  const sans = cert.subjectAltNames ?? [];
  const ip = ipToBytes(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
  if (ip) {
    return sans.some(
      (n) => n.kind === 'ip' && n.bytes.length === ip.length && n.bytes.every((b, i) => b === ip[i]),
    );
  }
  return sans.some((n) => n.kind === 'dns' && dnsNameMatches(n.name, host));
}

/** The names a certificate is valid for, as browsers list them (`DNS:a`, `IP Address:1.2.3.4`). */
export function certificateNames(cert: Certificate): string[] {
  return (cert.subjectAltNames ?? []).flatMap((n) =>
    n.kind === 'dns' ? [`DNS:${n.name}`] : n.kind === 'ip' ? [`IP Address:${n.text}`] : [],
  );
}
