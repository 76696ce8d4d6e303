/**
 * ClientHello and ServerHello field by field (RFC 8446 §4.1.2-4.1.4, RFC 5246 §7.4.1.2-3),
 * read by the TLS module's codecs (hello.ts, extensions.ts) and named by its tables
 * (cipher-suites.ts, code-points.ts): version, random, session id, cipher suites by IANA
 * name, compression, and every extension by type, with the bodies a learner looks for
 * decoded — server_name (RFC 6066 §3), supported_versions (§4.2.1), key_share (§4.2.8),
 * ALPN (RFC 7301), signature_algorithms (§4.2.3), supported_groups and ec_point_formats
 * (RFC 8422 §5.1). A HelloRetryRequest is a ServerHello with the special random
 * (§4.1.3); its key_share names only the group.
 *
 * The codecs return views of the frame, so a value's bytes are found from its view; the
 * rest of the layout (lengths before vectors) follows the RFC's structures.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { toHex } from '../../bytes/hex.ts';
import { suiteName } from '../../application/tls/cipher-suites.ts';
import {
  ExtensionType,
  extensionName,
  groupName,
  HandshakeType,
  signatureSchemeName,
  versionName,
} from '../../application/tls/code-points.ts';
import {
  findExtension,
  parseAlpn,
  parseClientKeyShares,
  parseClientVersions,
  parseEcPointFormats,
  parseHrrKeyShare,
  parseServerKeyShare,
  parseServerName,
  parseServerVersion,
  parseSignatureAlgorithms,
  parseSupportedGroups,
  type RawExtension,
} from '../../application/tls/extensions.ts';
import { isHelloRetryRequest, parseClientHello, parseServerHello } from '../../application/tls/hello.ts';
import { type Field, field, hex, offsetIn, type TlsHandshakeView } from './types.ts';

type Side = 'client' | 'server' | 'retry';

const version = (v: number) => `${versionName(v)} (${hex(v, 4)})`;
const group = (g: number) => `${groupName(g)} (${g})`;
const plural = (n: number, one: string, many: string) => `(${n} ${n === 1 ? one : many})`;

/** What the packet list and the filter need from a hello: its SNI, whether it is an HRR. */
export function helloFactsOf(
  f: Uint8Array,
  m: TlsHandshakeView,
): { serverName?: string; helloRetry?: boolean } | undefined {
  if (m.present < m.length) return undefined;
  const body = f.subarray(m.offset + 4, m.offset + 4 + m.length);
  if (m.type === HandshakeType.ClientHello) {
    const ch = parseClientHello(body);
    if (ch instanceof ProtocolError) return undefined;
    const sni = findExtension(ch.extensions, ExtensionType.ServerName);
    const name = sni === undefined ? undefined : parseServerName(sni);
    return typeof name === 'string' ? { serverName: name } : {};
  }
  if (m.type === HandshakeType.ServerHello) {
    const sh = parseServerHello(body);
    return sh instanceof ProtocolError ? undefined : { helloRetry: isHelloRetryRequest(sh) };
  }
  return undefined;
}

/** A u16 list of code points after a u16 length (signature_algorithms, supported_groups). */
function u16ListFields(
  at: number,
  values: readonly number[],
  lengthName: string,
  listName: string,
  itemName: string,
  items: [string, string],
  name: (v: number) => string,
): Field[] {
  return [
    field(lengthName, 2 * values.length, at, 2),
    field(
      listName,
      plural(values.length, ...items),
      at + 2,
      2 * values.length,
      values.map((v, i) => field(itemName, `${name(v)} (${hex(v, 4)})`, at + 2 + 2 * i, 2)),
    ),
  ];
}

/** The decoded body of one extension, or a `[Malformed]` field. */
function extensionBody(f: Uint8Array, e: RawExtension, side: Side, problems: string[]): Field[] {
  const at = offsetIn(f, e.data);
  const bad = (r: ProtocolError): Field[] => {
    // The codec's messages name the extension: `server_name: bad length`.
    problems.push(r.message);
    return [field('[Malformed]', r.message, at, e.data.length)];
  };
  switch (e.type) {
    case ExtensionType.ServerName: {
      if (e.data.length === 0) return []; // the server's acknowledgement
      const host = parseServerName(e.data);
      if (host instanceof ProtocolError) return bad(host);
      return [
        field('Server Name Indication extension', host, at, e.data.length, [
          field('Server Name list length', (e.data[0]! << 8) | e.data[1]!, at, 2),
          field('Server Name Type', 'host_name (0)', at + 2, 1),
          field('Server Name length', host.length, at + 3, 2),
          field('Server Name', host, at + 5, host.length),
        ]),
      ];
    }
    case ExtensionType.SupportedVersions: {
      if (side !== 'client') {
        const v = parseServerVersion(e.data);
        return v instanceof ProtocolError ? bad(v) : [field('Supported Version', version(v), at, 2)];
      }
      const list = parseClientVersions(e.data);
      if (list instanceof ProtocolError) return bad(list);
      return [
        field('Supported Versions length', 2 * list.length, at, 1),
        ...list.map((v, i) => field('Supported Version', version(v), at + 1 + 2 * i, 2)),
      ];
    }
    case ExtensionType.KeyShare: {
      const entry = (g: number, key: Uint8Array) => {
        const k = offsetIn(f, key);
        return field(
          'Key Share Entry',
          `Group: ${groupName(g)}, Key Exchange length: ${key.length}`,
          k - 4,
          4 + key.length,
          [
            field('Group', group(g), k - 4, 2),
            field('Key Exchange Length', key.length, k - 2, 2),
            field('Key Exchange', toHex(key), k, key.length),
          ],
        );
      };
      if (side === 'retry') {
        const g = parseHrrKeyShare(e.data);
        return g instanceof ProtocolError ? bad(g) : [field('Selected Group', group(g), at, 2)];
      }
      if (side === 'server') {
        const ks = parseServerKeyShare(e.data);
        return ks instanceof ProtocolError ? bad(ks) : [entry(ks.group, ks.key)];
      }
      const shares = parseClientKeyShares(e.data);
      if (shares instanceof ProtocolError) return bad(shares);
      return [
        field('Client Key Share Length', e.data.length - 2, at, 2),
        ...shares.map((s) => entry(s.group, s.key)),
      ];
    }
    case ExtensionType.Alpn: {
      const names = parseAlpn(e.data);
      if (names instanceof ProtocolError) return bad(names);
      let o = at + 2;
      const protocols = names.map((p) => {
        const x = field('ALPN Protocol', p, o, 1 + p.length, [
          field('ALPN string length', p.length, o, 1),
          field('ALPN Next Protocol', p, o + 1, p.length),
        ]);
        o += 1 + p.length;
        return x;
      });
      return [field('ALPN Extension Length', e.data.length - 2, at, 2), ...protocols];
    }
    case ExtensionType.SignatureAlgorithms: {
      const list = parseSignatureAlgorithms(e.data);
      if (list instanceof ProtocolError) return bad(list);
      return u16ListFields(
        at,
        list,
        'Signature Hash Algorithms Length',
        'Signature Hash Algorithms',
        'Signature Algorithm',
        ['algorithm', 'algorithms'],
        signatureSchemeName,
      );
    }
    case ExtensionType.SupportedGroups: {
      const list = parseSupportedGroups(e.data);
      if (list instanceof ProtocolError) return bad(list);
      return u16ListFields(
        at,
        list,
        'Supported Groups List Length',
        'Supported Groups',
        'Supported Group',
        ['group', 'groups'],
        groupName,
      );
    }
    case ExtensionType.EcPointFormats: {
      const list = parseEcPointFormats(e.data);
      if (list instanceof ProtocolError) return bad(list);
      return [
        field('EC point formats Length', list.length, at, 1),
        field(
          'Elliptic curves point formats',
          `(${list.length})`,
          at + 1,
          list.length,
          list.map((p, i) =>
            field('EC point format', `${p === 0 ? 'uncompressed' : 'unknown'} (${p})`, at + 1 + i, 1),
          ),
        ),
      ];
    }
    default:
      return [];
  }
}

export function extensionFields(
  f: Uint8Array,
  list: readonly RawExtension[],
  side: Side,
  problems: string[],
): Field[] {
  if (list.length === 0) return [];
  const first = offsetIn(f, list[0]!.data) - 4;
  const last = list.at(-1)!;
  const total = offsetIn(f, last.data) + last.data.length - first;
  return [
    field('Extensions Length', total, first - 2, 2),
    ...list.map((e) => {
      const at = offsetIn(f, e.data) - 4;
      const name = extensionName(e.type);
      return field(`Extension`, `${name} (len=${e.data.length})`, at, 4 + e.data.length, [
        field('Type', `${name} (${e.type})`, at, 2),
        field('Length', e.data.length, at + 2, 2),
        ...extensionBody(f, e, side, problems),
      ]);
    }),
  ];
}

/** Version, random and session id: the start both hellos share. */
function helloStart(at: number, legacyVersion: number, random: Uint8Array, sessionId: Uint8Array): Field[] {
  const fields = [
    field('Version', version(legacyVersion), at, 2),
    field('Random', toHex(random), at + 2, 32),
    field('Session ID Length', sessionId.length, at + 34, 1),
  ];
  if (sessionId.length > 0) fields.push(field('Session ID', toHex(sessionId), at + 35, sessionId.length));
  return fields;
}

export function clientHelloFields(f: Uint8Array, body: Uint8Array, problems: string[]): Field[] {
  const at = offsetIn(f, body);
  const ch = parseClientHello(body);
  if (ch instanceof ProtocolError) {
    problems.push(`ClientHello: ${ch.message}`);
    return [field('[Malformed]', `ClientHello: ${ch.message}`, at, body.length)];
  }
  const suitesAt = at + 35 + ch.sessionId.length;
  const compAt = suitesAt + 2 + 2 * ch.cipherSuites.length;
  return [
    ...helloStart(at, ch.legacyVersion, ch.random, ch.sessionId),
    field('Cipher Suites Length', 2 * ch.cipherSuites.length, suitesAt, 2),
    field(
      'Cipher Suites',
      plural(ch.cipherSuites.length, 'suite', 'suites'),
      suitesAt + 2,
      2 * ch.cipherSuites.length,
      ch.cipherSuites.map((s, i) =>
        field('Cipher Suite', `${suiteName(s)} (${hex(s, 4)})`, suitesAt + 2 + 2 * i, 2),
      ),
    ),
    field('Compression Methods Length', ch.compressionMethods.length, compAt, 1),
    field(
      'Compression Methods',
      plural(ch.compressionMethods.length, 'method', 'methods'),
      compAt + 1,
      ch.compressionMethods.length,
      ch.compressionMethods.map((c, i) =>
        field('Compression Method', `${c === 0 ? 'null' : 'unknown'} (${c})`, compAt + 1 + i, 1),
      ),
    ),
    ...extensionFields(f, ch.extensions, 'client', problems),
  ];
}

export function serverHelloFields(f: Uint8Array, body: Uint8Array, problems: string[]): Field[] {
  const at = offsetIn(f, body);
  const sh = parseServerHello(body);
  if (sh instanceof ProtocolError) {
    problems.push(`ServerHello: ${sh.message}`);
    return [field('[Malformed]', `ServerHello: ${sh.message}`, at, body.length)];
  }
  const suiteAt = at + 35 + sh.sessionId.length;
  const c = sh.compressionMethod;
  return [
    ...helloStart(at, sh.legacyVersion, sh.random, sh.sessionId),
    field('Cipher Suite', `${suiteName(sh.cipherSuite)} (${hex(sh.cipherSuite, 4)})`, suiteAt, 2),
    field('Compression Method', `${c === 0 ? 'null' : 'unknown'} (${c})`, suiteAt + 2, 1),
    ...extensionFields(f, sh.extensions, isHelloRetryRequest(sh) ? 'retry' : 'server', problems),
  ];
}
