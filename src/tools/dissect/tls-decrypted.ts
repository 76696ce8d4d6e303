/**
 * A frame's dissection with the records the key log opened (tls-decrypt/): the layers
 * of the frame as they are on the wire, then, for every protected record that completes
 * in the frame, a TLS layer with what the record hides — its inner content type
 * (RFC 8446 §5.2), its handshake messages (tls-inner.ts), its alert, its application
 * data — and under it the HTTP/1.x or HTTP/2 layer that data is: Ethernet > IPv4 > TCP >
 * TLS > HTTP, as Wireshark shows a capture opened with `tls.keylog_file`.
 *
 * Decrypted bytes are not in the frame, so their layers point into a data source of
 * their own, one per record (`Decrypted TLS (N bytes)`, Wireshark's tab of that name):
 * `Layer.source` is its index in `Dissection.sources`, and the fields' offsets are in it.
 *
 * The application protocol is the one ALPN chose (`h2` is HTTP/2, RFC 9113 §3.2;
 * `http/1.1` HTTP/1.1), else what the data starts with (a request or status line, the
 * HTTP/2 preface). Each record's data is read alone: an HTTP message whose header section
 * spans records shows in the record with its start line, a body's later records are
 * Application Data (Wireshark, reassembling HTTP too, shows the message where it ends).
 *
 * The packet list's columns follow Wireshark with keys: the highest layer's protocol, and
 * its info (`GET / HTTP/1.1`), or the TLS records' names with the hidden ones named
 * (`Server Hello, Encrypted Extensions, Certificate, Certificate Verify, Finished`).
 */
import { alertName } from '../../application/tls/alert.ts';
import { CONTENT_TYPE_NAMES } from '../../application/tls/code-points.ts';
import { DissectionBuilder } from './builder.ts';
import { decodeHttp1, dissectHttp1, startsWithHttp1 } from './http1.ts';
import { decodeHttp2, dissectHttp2, type Http2Decoded, http2Headers, looksLikeHttp2 } from './http2.ts';
import type { HeaderBlockContext } from './http2-header-fields.ts';
import type { ConnectionHeaders } from './http2-headers/decode.ts';
import { dissectEthernet } from './ethernet.ts';
import type { DecryptedRecord } from './tls-decrypt/decrypt.ts';
import { innerHandshakeFields } from './tls-inner.ts';
import { handshakeTypeName, levelName, shortVersion, titleWords } from './tls.ts';
import {
  type DataSource,
  type Decoded,
  type Dissection,
  type Field,
  field,
  type HttpMessageView,
  type Layer,
} from './types.ts';

const HANDSHAKE = 22;
const ALERT = 21;
const APPLICATION_DATA = 23;

/** What the connection negotiated, which the records' reading depends on. */
export interface DecryptedSession {
  readonly version?: number;
  readonly alpn?: string;
}

/** The header blocks of the record's direction, when the connection's were decoded. */
function headerContext(
  r: DecryptedRecord,
  headers: ConnectionHeaders | undefined,
): HeaderBlockContext | undefined {
  if (headers === undefined || r.content === undefined) return undefined;
  const d = headers[r.direction];
  return {
    headers: d,
    streamStart: d.recordStarts.get(r.streamOffset),
    at: 0,
    length: r.content.bytes.length,
  };
}

/** Words the wire dissector uses for what it cannot read; the decrypted records replace them. */
const OPAQUE = new Set(['Application Data', 'Encrypted Handshake Message', 'Encrypted Alert']);

function keysName(r: DecryptedRecord): string {
  const who = r.direction === 'client' ? 'client' : 'server';
  if (r.keys === 'handshake') return `${who} handshake traffic keys`;
  return r.version === 0x0303 && r.type !== APPLICATION_DATA
    ? `${who} write keys (TLS 1.2 key block)`
    : r.generation === 0
      ? `${who} application traffic keys (generation 0)`
      : `${who} application traffic keys (generation ${r.generation}, after KeyUpdate)`;
}

interface Messages {
  readonly names: string[];
  readonly fields: Field[];
}

/** The handshake messages in a decrypted record's plaintext. */
function handshakeMessages(p: Uint8Array, tls13: boolean, problems: string[]): Messages {
  const names: string[] = [];
  const fields: Field[] = [];
  let at = 0;
  while (at + 4 <= p.length) {
    const type = p[at]!;
    const length = (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!;
    const present = Math.min(length, p.length - at - 4);
    const name = handshakeTypeName(type);
    names.push(name);
    fields.push(innerHandshakeFields(p, { offset: at, type, length, present }, name, tls13, problems));
    at += 4 + length;
  }
  if (at < p.length)
    fields.push(
      field('[Handshake message cut by the record end]', `${p.length - at} bytes`, at, p.length - at),
    );
  return { names, fields };
}

interface RecordLayers {
  readonly layers: Layer[];
  readonly names: string[];
  readonly app?: { readonly protocol: string; readonly info: string };
}

type AppDecoded = Extract<Decoded, { kind: 'http' | 'http2' }>;
type AppData =
  | { readonly kind: 'http'; readonly messages: readonly HttpMessageView[] }
  | { readonly kind: 'http2'; readonly decoded: Http2Decoded };

/**
 * What a record's application data is: HTTP/2 when ALPN chose h2 (or, without ALPN, when
 * it is not an HTTP/1.x start line and reads as HTTP/2 frames), HTTP/1.x when it starts
 * with a start line, else nothing the dissector reads.
 */
function decodeAppData(p: Uint8Array, session: DecryptedSession): AppData | undefined {
  const h2 =
    session.alpn === 'h2' ||
    (session.alpn === undefined && !startsWithHttp1(p, 0, p.length) && looksLikeHttp2(p, 0, p.length));
  if (h2) {
    const decoded = decodeHttp2(p, 0, p.length);
    return decoded && { kind: 'http2', decoded };
  }
  return startsWithHttp1(p, 0, p.length)
    ? { kind: 'http', messages: decodeHttp1(p, 0, p.length)! }
    : undefined;
}

/**
 * The HTTP/1.x or HTTP/2 that the decrypted records ending in a frame carry, each record's
 * alone: what the display filter matches `http` and `http2` fields against (with the
 * decoded header fields when the connection's `headers` are given).
 */
export function decryptedApplications(
  records: readonly DecryptedRecord[],
  session: DecryptedSession,
  headers?: ConnectionHeaders,
): AppDecoded[] {
  const out: AppDecoded[] = [];
  for (const r of records) {
    if (r.keys === 'clear' || r.content?.type !== APPLICATION_DATA) continue;
    const d = decodeAppData(r.content.bytes, session);
    if (d?.kind === 'http') out.push(d);
    else if (d) {
      const ctx = headerContext(r, headers);
      out.push({
        kind: 'http2',
        preface: d.decoded.preface,
        frames: d.decoded.frames,
        ...(ctx === undefined ? {} : { headers: http2Headers(d.decoded, ctx) }),
      });
    }
  }
  return out;
}

function httpLayers(
  p: Uint8Array,
  session: DecryptedSession,
  source: number,
  headers: HeaderBlockContext | undefined,
): (RecordLayers['app'] & { layers: Layer[] }) | undefined {
  const d = decodeAppData(p, session);
  if (d === undefined) return undefined;
  const b = new DissectionBuilder(p);
  if (d.kind === 'http2') dissectHttp2(b, 0, p.length, d.decoded, headers);
  else dissectHttp1(b, 0, p.length, d.messages);
  return { protocol: b.protocol, info: b.info, layers: b.layers.map((l) => ({ ...l, source })) };
}

function recordLayers(
  r: DecryptedRecord,
  session: DecryptedSession,
  source: number,
  headers: ConnectionHeaders | undefined,
): RecordLayers {
  const version = shortVersion(session.version ?? r.version);
  const meta = [
    field(
      '[Record completes in this frame]',
      `${r.length} bytes from ${r.direction} stream byte ${r.streamOffset}`,
      0,
      0,
    ),
    field('[Keys]', keysName(r), 0, 0),
    field('[Sequence Number]', r.sequence, 0, 0),
  ];
  if (r.failure !== undefined || r.content === undefined) {
    const why = r.failure ?? 'no content';
    return {
      names: ['Application Data'],
      layers: [
        {
          protocol: 'TLS',
          title: `Transport Layer Security (not decrypted)`,
          offset: 0,
          length: 0,
          fields: [
            field(`${version} Record Layer`, 'Encrypted record', 0, 0, [
              ...meta,
              field('[Decryption failed]', why, 0, 0),
            ]),
          ],
          problem: why,
        },
      ],
    };
  }
  const p = r.content.bytes;
  const type = r.content.type;
  const problems: string[] = [];
  const children: Field[] = [
    ...meta,
    field(
      'Content Type',
      `${titleWords(CONTENT_TYPE_NAMES[type] ?? `unknown_${type}`)} (${type})`,
      p.length,
      0,
    ),
  ];
  let heading: string;
  let names: string[];
  let app: ReturnType<typeof httpLayers>;
  if (type === HANDSHAKE) {
    const m = handshakeMessages(p, (session.version ?? 0) === 0x0304, problems);
    names = m.names.length > 0 ? m.names : ['Handshake Message Continuation'];
    heading = `Handshake Protocol: ${names.length > 1 ? 'Multiple Handshake Messages' : names[0]}`;
    children.push(...m.fields);
  } else if (type === ALERT && p.length === 2) {
    const words = `Alert (Level: ${levelName(p[0]!)}, Description: ${titleWords(alertName(p[1]!))})`;
    names = [words];
    heading = words;
    children.push(
      field('Alert Message', words.slice(7, -1), 0, 2, [
        field('Level', `${levelName(p[0]!)} (${p[0]})`, 0, 1),
        field('Description', `${titleWords(alertName(p[1]!))} (${p[1]})`, 1, 1),
      ]),
    );
  } else {
    names = ['Application Data'];
    heading = 'Application Data Protocol: Application Data';
    app = type === APPLICATION_DATA ? httpLayers(p, session, source, headerContext(r, headers)) : undefined;
    const proto = app === undefined ? '' : app.protocol === 'HTTP2' ? 'http2' : 'http';
    children.push(field('Application Data', `${p.length} bytes${proto ? ` (${proto})` : ''}`, 0, p.length));
  }
  const tls: Layer = {
    protocol: 'TLS',
    title: `Transport Layer Security (decrypted)`,
    offset: 0,
    length: p.length,
    fields: [field(`${version} Record Layer`, heading, 0, p.length, children)],
    source,
    ...(problems.length > 0 ? { problem: `Malformed: ${problems[0]}` } : {}),
  };
  return {
    names,
    layers: [tls, ...(app?.layers ?? [])],
    ...(app === undefined ? {} : { app: { protocol: app.protocol, info: app.info } }),
  };
}

/**
 * The dissection of `frame` with `records`, the decrypted records that complete in it
 * (from `decryptTlsConnection`; records in the clear are left to the wire's layers), and
 * the connection's decoded HTTP/2 header blocks when there are (`decodeTlsHeaders`).
 */
export function dissectDecrypted(
  frame: Uint8Array,
  records: readonly DecryptedRecord[],
  session: DecryptedSession,
  headers?: ConnectionHeaders,
): Dissection {
  const wireBuilder = new DissectionBuilder(frame);
  dissectEthernet(wireBuilder);
  const base = wireBuilder.build();
  const protectedRecords = records.filter((r) => r.keys !== 'clear');
  if (protectedRecords.length === 0) return base;
  const layers = [...base.layers];
  const sources: DataSource[] = [];
  const names: string[] = [];
  const apps: { protocol: string; info: string }[] = [];
  for (const r of protectedRecords) {
    const source = sources.length;
    const bytes = r.content?.bytes ?? new Uint8Array(0);
    sources.push({ name: `Decrypted TLS (${bytes.length} bytes)`, bytes });
    const got = recordLayers(r, session, source, headers);
    layers.push(...got.layers);
    names.push(...got.names);
    if (got.app) apps.push(got.app);
  }
  // What the wire could read of the records starting here, without the opaque words.
  const wire =
    base.protocol === 'TLS'
      ? base.info
          .replace(/ \[record cut: .*\]$/, '')
          .split(/, (?![^(]*\))/)
          .filter((w) => !OPAQUE.has(w))
      : [];
  const top = apps.at(-1);
  return {
    ...base,
    layers,
    sources,
    protocol: top?.protocol ?? 'TLS',
    info: top
      ? apps
          .filter((a) => a.protocol === top.protocol)
          .map((a) => a.info)
          .join(', ')
      : [...wire, ...names].join(', '),
  };
}
