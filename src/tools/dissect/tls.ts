/**
 * TLS records in a TCP segment (RFC 8446 §5.1, RFC 5246 §6.2): every record that starts
 * in the segment, its header (content type, legacy version, length), and what can be read
 * without keys — handshake messages in the clear (tls-handshake.ts), ChangeCipherSpec, a
 * two-byte alert, and the length of everything encrypted. A TLS 1.3 record after the
 * ServerHello is "Application Data" (opaque type 23) whatever it hides, as Wireshark shows
 * it without the key log.
 *
 * Per segment, no reassembly: a record the segment ends inside shows its header and the
 * bytes present, with a note that the rest follows (Wireshark, reassembling, shows such a
 * segment as "[TCP segment of a reassembled PDU]" and the record in the segment that
 * completes it). A segment that starts inside a record (the rest of one cut earlier) is
 * not TLS here: it stays TCP payload, as Wireshark's "Continuation Data" would be.
 *
 * In the clear or encrypted: a handshake record is read as messages when their headers
 * (a known type, a 24-bit length) tile it exactly — an encrypted TLS 1.2 Finished is 40
 * random-looking bytes that do not — or when the last message runs past a full
 * (2^14-byte) record, as senders split a large Certificate. An alert record of exactly two
 * bytes is in the clear; a longer one is encrypted ("Encrypted Alert").
 *
 * Without the connection's state the record heading takes the version of the record
 * header (`TLSv1.2 Record Layer` for every TLS 1.3 record, whose legacy version is frozen
 * at 0x0303, RFC 8446 §5.1), where Wireshark, having seen the ServerHello, writes TLSv1.3.
 */
import { alertName } from '../../application/tls/alert.ts';
import { CONTENT_TYPE_NAMES, HANDSHAKE_NAMES, versionName } from '../../application/tls/code-points.ts';
import { MAX_CIPHERTEXT_TLS12, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from '../../application/tls/record.ts';
import type { DissectionBuilder } from './builder.ts';
import { handshakeFields } from './tls-handshake.ts';
import { helloFactsOf } from './tls-hello.ts';
import { type Field, field, hex, type TlsHandshakeView, type TlsRecordView } from './types.ts';

const HANDSHAKE = 22;
const ALERT = 21;
const CHANGE_CIPHER_SPEC = 20;

/** `change_cipher_spec` → `Change Cipher Spec`, `unknown_ca` → `Unknown CA`, as Wireshark words them. */
export function titleWords(name: string): string {
  return name
    .split('_')
    .map((w) =>
      w === 'ca' || w === 'mac' || w === 'psk' ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1),
    )
    .join(' ');
}

/** `ClientHello` → `Client Hello`: the handshake type as Wireshark names it. */
export function handshakeTypeName(type: number): string {
  const name = HANDSHAKE_NAMES[type];
  if (name === undefined) return `Unknown (${type})`;
  return name.includes('_') ? titleWords(name) : name.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** `TLSv1.2`, `TLSv1`, `SSLv3`: Wireshark's short version names. */
export function shortVersion(v: number): string {
  return versionName(v)
    .replace(/^SSL 3\.0$/, 'SSLv3')
    .replace(' 1.0', 'v1')
    .replace(' ', 'v');
}

/** Whether a record header starts at `at` (content type 20-23, version 3.0-3.4, a sane length). */
export function isTlsRecordHeader(f: Uint8Array, at: number, end: number): boolean {
  if (end - at < RECORD_HEADER_LENGTH) return false;
  const type = f[at]!;
  if (type < CHANGE_CIPHER_SPEC || type > 23 || f[at + 1] !== 3 || f[at + 2]! > 4) return false;
  const length = (f[at + 3]! << 8) | f[at + 4]!;
  return length > 0 && length <= MAX_CIPHERTEXT_TLS12;
}

/**
 * The handshake messages of a handshake record whose fragment is `f[from, from+length)`
 * with `present` bytes in the segment, or undefined when it does not read as messages in
 * the clear (it is encrypted, or the rest of a message begun in an earlier record).
 */
function handshakeMessages(
  f: Uint8Array,
  from: number,
  length: number,
  present: number,
): TlsHandshakeView[] | undefined {
  const out: TlsHandshakeView[] = [];
  const recordEnd = from + length;
  const presentEnd = from + present;
  let at = from;
  while (at < recordEnd) {
    if (at + 4 > presentEnd) return out.length > 0 ? out : undefined;
    const type = f[at]!;
    if (HANDSHAKE_NAMES[type] === undefined) return undefined;
    const len = (f[at + 1]! << 16) | (f[at + 2]! << 8) | f[at + 3]!;
    const end = at + 4 + len;
    if (end > recordEnd && length !== MAX_PLAINTEXT) return undefined;
    out.push({ offset: at, type, length: len, present: Math.max(0, Math.min(end, presentEnd) - at - 4) });
    at = end;
  }
  return out.length > 0 ? out : undefined;
}

export interface TlsDecoded {
  readonly records: TlsRecordView[];
  /** Bytes after the last record that are not a record header. */
  readonly trailing: number;
  readonly serverName?: string;
}

/** The records of `f[from, end)`, or undefined when the segment does not start with one. */
export function decodeTls(f: Uint8Array, from: number, end: number): TlsDecoded | undefined {
  if (!isTlsRecordHeader(f, from, end)) return undefined;
  const records: TlsRecordView[] = [];
  let serverName: string | undefined;
  let at = from;
  while (at < end && isTlsRecordHeader(f, at, end)) {
    const type = f[at]!;
    const version = (f[at + 1]! << 8) | f[at + 2]!;
    const length = (f[at + 3]! << 8) | f[at + 4]!;
    const body = at + RECORD_HEADER_LENGTH;
    const present = Math.min(length, end - body);
    const handshakes = type === HANDSHAKE ? (handshakeMessages(f, body, length, present) ?? []) : [];
    let record: TlsRecordView = { offset: at, type, version, length, present, handshakes };
    if (type === ALERT && length === 2 && present === 2)
      record = { ...record, alert: { level: f[body]!, description: f[body + 1]! } };
    for (const m of handshakes) {
      const facts = helloFactsOf(f, m);
      if (facts?.serverName !== undefined) serverName ??= facts.serverName;
      if (facts?.helloRetry) record = { ...record, helloRetry: true };
    }
    records.push(record);
    at = body + length;
  }
  const trailing = Math.max(0, end - at);
  return serverName === undefined ? { records, trailing } : { records, trailing, serverName };
}

export function levelName(level: number): string {
  return level === 1 ? 'Warning' : level === 2 ? 'Fatal' : `Unknown (${level})`;
}

/** The record's words in the Info column: `Client Hello`, `Application Data`, `Encrypted Alert`. */
function recordNames(r: TlsRecordView): string[] {
  switch (r.type) {
    case CHANGE_CIPHER_SPEC:
      return ['Change Cipher Spec'];
    case ALERT:
      return r.alert
        ? [
            `Alert (Level: ${levelName(r.alert.level)}, Description: ${titleWords(alertName(r.alert.description))})`,
          ]
        : ['Encrypted Alert'];
    case HANDSHAKE:
      if (r.handshakes.length === 0) return ['Encrypted Handshake Message'];
      return r.handshakes.map((m) =>
        m.type === 2 && r.helloRetry ? 'Hello Retry Request' : handshakeTypeName(m.type),
      );
    default:
      return ['Application Data'];
  }
}

/** Wireshark's Info column for the segment: every record's words, in order. */
export function tlsInfo(d: TlsDecoded): string {
  const names = d.records.flatMap(recordNames);
  const last = d.records.at(-1)!;
  const cut =
    last.present < last.length
      ? ` [record cut: ${last.present} of ${last.length} bytes in this segment]`
      : '';
  return names.join(', ') + cut;
}

function recordField(f: Uint8Array, r: TlsRecordView, problems: string[]): Field {
  const at = r.offset;
  const body = at + RECORD_HEADER_LENGTH;
  const contentType = CONTENT_TYPE_NAMES[r.type]!;
  const children: Field[] = [
    field('Content Type', `${titleWords(contentType)} (${r.type})`, at, 1),
    field('Version', `${versionName(r.version)} (${hex(r.version, 4)})`, at + 1, 2),
    field('Length', r.length, at + 3, 2),
  ];
  let heading: string;
  if (r.type === CHANGE_CIPHER_SPEC) {
    heading = 'Change Cipher Spec Protocol: Change Cipher Spec';
    if (r.present >= 1) children.push(field('Change Cipher Spec Message', f[body]!, body, 1));
  } else if (r.type === ALERT) {
    if (r.alert) {
      heading = `Alert (Level: ${levelName(r.alert.level)}, Description: ${titleWords(alertName(r.alert.description))})`;
      children.push(
        field('Alert Message', heading.slice(7, -1), body, 2, [
          field('Level', `${levelName(r.alert.level)} (${r.alert.level})`, body, 1),
          field(
            'Description',
            `${titleWords(alertName(r.alert.description))} (${r.alert.description})`,
            body + 1,
            1,
          ),
        ]),
      );
    } else {
      heading = 'Encrypted Alert';
      children.push(field('Alert Message', `Encrypted Alert, ${r.length} bytes`, body, r.present));
    }
  } else if (r.type === HANDSHAKE) {
    if (r.handshakes.length === 0) {
      heading = 'Handshake Protocol: Encrypted Handshake Message';
      children.push(field('Handshake Protocol', 'Encrypted Handshake Message', body, r.present));
    } else {
      const names = recordNames(r);
      heading = `Handshake Protocol: ${names.length > 1 ? 'Multiple Handshake Messages' : names[0]}`;
      r.handshakes.forEach((m, i) => {
        children.push(handshakeFields(f, m, names[i]!, problems));
      });
    }
  } else {
    heading = 'Application Data Protocol: Application Data';
    children.push(field('Encrypted Application Data', `${r.length} bytes`, body, r.present));
  }
  if (r.present < r.length)
    children.push(
      field(
        '[Record cut by the segment end]',
        `${r.present} of ${r.length} bytes in this segment; the rest follows in later segments`,
        body,
        r.present,
      ),
    );
  return field(
    `${shortVersion(r.version)} Record Layer`,
    heading,
    at,
    RECORD_HEADER_LENGTH + r.present,
    children,
  );
}

/** Adds the TLS layer for `f[from, end)`, which `decodeTls` read as `d`. */
export function dissectTls(b: DissectionBuilder, from: number, end: number, d: TlsDecoded): void {
  const f = b.frame;
  const problems: string[] = [];
  const fields = d.records.map((r) => recordField(f, r, problems));
  if (d.trailing > 0) {
    const at = end - d.trailing;
    const maybeHeader = d.trailing < RECORD_HEADER_LENGTH && f[at]! >= CHANGE_CIPHER_SPEC && f[at]! <= 23;
    if (maybeHeader)
      fields.push(
        field('[Record header cut by the segment end]', `${d.trailing} of 5 bytes`, at, d.trailing),
      );
    else {
      fields.push(
        field('Ignored Unknown Record', `${d.trailing} bytes that are not a TLS record`, at, d.trailing),
      );
      problems.push('bytes after the last record are not a TLS record');
    }
  }
  b.add(
    {
      protocol: 'TLS',
      title: 'Transport Layer Security',
      offset: from,
      length: end - from,
      fields,
      ...(problems.length > 0 ? { problem: `Malformed: ${problems[0]}` } : {}),
      decoded: {
        kind: 'tls',
        records: d.records,
        ...(d.serverName === undefined ? {} : { serverName: d.serverName }),
      },
    },
    tlsInfo(d),
  );
}
