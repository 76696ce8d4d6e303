/**
 * Our TLS decryption (src/tools/dissect/tls-decrypt/) against the real tshark's, frame by
 * frame, on the HTTPS tour's capture and key log (what `netlab tour` writes): tshark with
 * `-o tls.keylog_file:tour.keylog` reassembles each TCP stream, decrypts each record and
 * reports it in the frame where the record completes; we do the same from the same file.
 * For every frame, what tshark reads must be what we read: the records' content types
 * (the inner type of a decrypted record), the handshake message types (in the clear and
 * decrypted), alerts, and the HTTP requests' methods and URIs and the responses' codes.
 *
 * One preference differs from tshark's defaults: `http.desegment_body:FALSE`. By default
 * tshark also reassembles an HTTP body across records and shows the response in the frame
 * where the body ends; our inspector reads each record's data alone and shows the response
 * in the record that holds its status line, as tshark does without body reassembly.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTour } from '../../src/cli/tour.ts';
import { readPcap } from '../../src/tools/capture/pcap-reader.ts';
import { dissectDecrypted } from '../../src/tools/dissect/index.ts';
import {
  type DecryptedRecord,
  decryptTlsConnection,
  KeyLog,
  segmentOf,
} from '../../src/tools/dissect/tls-decrypt/index.ts';
import { hasTshark, tsharkFields, warnIfNoTshark } from './tshark-helpers.ts';

warnIfNoTshark('test/interop/tls-decrypt.test.ts');

const COLUMNS = [
  'frame.number',
  'tls.record.content_type',
  'tls.handshake.type',
  'tls.alert_message.desc',
  'http.request.method',
  'http.request.uri',
  'http.response.code',
];

/** The handshake message types in a record's content. */
function handshakeTypes(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 4 <= b.length; at += 4 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!))
    out.push(b[at]!);
  return out;
}

/** Our row for a frame, in tshark's columns (occurrences joined by ','). */
function ourRow(
  n: number,
  frame: Uint8Array,
  records: readonly DecryptedRecord[],
  session: { version?: number; alpn?: string },
): string[] {
  const opened = records.filter((r) => r.content !== undefined);
  const types = opened.map((r) => r.content!.type);
  const hs = opened.flatMap((r) => (r.content!.type === 22 ? handshakeTypes(r.content!.bytes) : []));
  const alerts = opened.flatMap((r) =>
    r.content!.type === 21 && r.content!.bytes.length === 2 ? [r.content!.bytes[1]!] : [],
  );
  const http = dissectDecrypted(frame, records, session).layers.flatMap((l) =>
    l.decoded?.kind === 'http' ? l.decoded.messages : [],
  );
  return [
    String(n),
    types.join(','),
    hs.join(','),
    alerts.join(','),
    http.flatMap((m) => (m.request ? [m.request.method] : [])).join(','),
    http.flatMap((m) => (m.request ? [m.request.target] : [])).join(','),
    http.flatMap((m) => (m.response ? [String(m.response.status)] : [])).join(','),
  ];
}

describe.skipIf(!hasTshark())(
  'TLS decryption with the tour key log: ours and tshark’s, frame by frame',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-tls-decrypt-'));
    const pcapPath = join(dir, 'tour.pcap');
    const code = hasTshark()
      ? await runTour(['--pcap', pcapPath, '--no-web'], { out: () => {}, err: () => {} })
      : 0;
    const keylogPath = join(dir, 'tour.keylog');

    it('finds the same records, handshake messages, alerts and HTTP messages in the same frames', () => {
      expect(code).toBe(0);
      const pcap = readPcap(new Uint8Array(readFileSync(pcapPath)));
      if (!('records' in pcap)) throw new Error(pcap.message);
      const frames = pcap.records.map((r) => r.frame);
      // The frames of each TCP connection, by the pair of endpoints.
      const connections = new Map<string, number[]>();
      frames.forEach((f, i) => {
        const s = segmentOf(f);
        if (s === undefined) return;
        const key = s.from < s.to ? `${s.from} ${s.to}` : `${s.to} ${s.from}`;
        connections.set(key, [...(connections.get(key) ?? []), i]);
      });
      const log = new KeyLog(readFileSync(keylogPath, 'utf8'));
      const ours = new Map<number, string[]>();
      let decrypted = 0;
      for (const indices of connections.values()) {
        const d = decryptTlsConnection(
          indices.map((i) => frames[i]!),
          log,
        );
        if (d.clientRandom === undefined) continue; // not TLS (DNS over TCP would be; the tour has none)
        expect(d.notes).toEqual([]);
        const byFrame = new Map<number, DecryptedRecord[]>();
        for (const r of d.records)
          byFrame.set(indices[r.frame]!, [...(byFrame.get(indices[r.frame]!) ?? []), r]);
        for (const [i, records] of byFrame) {
          ours.set(i + 1, ourRow(i + 1, frames[i]!, records, d));
          decrypted += records.filter((r) => r.keys !== 'clear').length;
        }
      }
      const theirs = tsharkFields(pcapPath, COLUMNS, undefined, [
        '-o',
        `tls.keylog_file:${keylogPath}`,
        '-o',
        'http.desegment_body:FALSE',
      ]).filter((r) => r.slice(1).some((x) => x !== ''));
      expect(theirs.length).toBeGreaterThan(40);
      const ourRows = [...ours.keys()].sort((a, b) => a - b).map((n) => ours.get(n)!);
      expect(ourRows).toEqual(theirs);
      // The tour: 6 connections, 8 requests, 8 responses, 6 close_notify alerts from the laptop.
      expect(decrypted).toBeGreaterThanOrEqual(6 * 3 + 16);
      expect(theirs.filter((r) => r[4] === 'GET')).toHaveLength(8);
      expect(theirs.filter((r) => r[6] === '200')).toHaveLength(8);
    });
  },
);
