/**
 * What a server picks from a ClientHello, as pure functions: the version (RFC 8446 §4.2.1,
 * RFC 5246 Appendix E.1), the cipher suite (server or client preference), the TLS 1.3
 * key-share group (a group the client already sent a share for, else one that needs a
 * HelloRetryRequest), and the ALPN protocol (RFC 7301 §3.2). Each returns a value or the
 * alert to fail with.
 */
import type { CipherSuite } from './cipher-suites.ts';
import { ProtocolVersion, type TlsVersion, VERSION_CODES } from './code-points.ts';
import type { KeyShareEntry } from './extensions.ts';
import { groupCode, type KeyExchangeGroup } from './key-exchange.ts';

export type Negotiated<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly alert: 'protocol_version' | 'handshake_failure' | 'no_application_protocol';
      readonly message: string;
    };

function no<T>(
  alert: 'protocol_version' | 'handshake_failure' | 'no_application_protocol',
  message: string,
): Negotiated<T> {
  return { ok: false, alert, message };
}

/**
 * The highest version both support. With supported_versions the client's list decides
 * (values below TLS 1.2 are ignored); without it, legacy_version is the client's maximum.
 */
export function selectVersion(
  ours: readonly TlsVersion[],
  clientList: readonly number[] | undefined,
  legacy: number,
): Negotiated<number> {
  const mine = ours.map((v) => VERSION_CODES[v]);
  if (clientList) {
    const common = clientList.filter((v) => mine.includes(v));
    if (common.length === 0)
      return no(
        'protocol_version',
        `no common version in ${clientList.map((v) => v.toString(16)).join(',')}`,
      );
    return { ok: true, value: Math.max(...common) };
  }
  if (legacy >= ProtocolVersion.Tls12 && mine.includes(ProtocolVersion.Tls12))
    return { ok: true, value: ProtocolVersion.Tls12 };
  return no('protocol_version', `client offers at most 0x${legacy.toString(16)}`);
}

/** The first suite in the preferred order that the other side lists and `usable` accepts. */
export function selectSuite(
  ours: readonly CipherSuite[],
  offered: readonly number[],
  preferServer: boolean,
  usable: (s: CipherSuite) => boolean,
): Negotiated<CipherSuite> {
  const candidates = preferServer
    ? ours.filter((s) => offered.includes(s.code))
    : offered.map((c) => ours.find((s) => s.code === c)).filter((s): s is CipherSuite => s !== undefined);
  const chosen = candidates.find(usable);
  if (!chosen) return no('handshake_failure', 'no cipher suite in common');
  return { ok: true, value: chosen };
}

export type GroupChoice =
  | { readonly kind: 'share'; readonly group: KeyExchangeGroup; readonly share: KeyShareEntry }
  | { readonly kind: 'retry'; readonly group: KeyExchangeGroup };

/** TLS 1.3 group: prefer one the client sent a key share for; otherwise ask for one (HRR). */
export function selectGroup13(
  ours: readonly KeyExchangeGroup[],
  clientGroups: readonly number[],
  shares: readonly KeyShareEntry[],
): Negotiated<GroupChoice> {
  for (const g of ours) {
    const share = shares.find((s) => s.group === groupCode(g));
    if (share && clientGroups.includes(groupCode(g)))
      return { ok: true, value: { kind: 'share', group: g, share } };
  }
  const g = ours.find((x) => clientGroups.includes(groupCode(x)));
  if (!g) return no('handshake_failure', 'no key exchange group in common');
  return { ok: true, value: { kind: 'retry', group: g } };
}

/** ALPN: the server's most preferred protocol the client offered (RFC 7301 §3.2). */
export function selectAlpn(
  ours: readonly string[],
  offered: readonly string[] | undefined,
): Negotiated<string | undefined> {
  if (!offered || ours.length === 0) return { ok: true, value: undefined };
  const p = ours.find((x) => offered.includes(x));
  if (p === undefined) return no('no_application_protocol', `none of ${offered.join(', ')} is served`);
  return { ok: true, value: p };
}
