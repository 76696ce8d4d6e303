/**
 * The dissector's layers above TCP, checked against the real tshark frame by frame: the
 * HTTPS tour (TLS 1.3), the plain-HTTP tour (HTTP/1.1), the plain-HTTP tour with the
 * browser on HTTP/2 (h2c, prior knowledge), and TLS 1.2 handshakes with ECDHE and RSA key
 * exchange, a CertificateRequest and a handshake_failure alert in the clear. For every
 * frame of every link, what tshark reads (record content types and lengths, handshake
 * types, the SNI, cipher suites, extension types, alerts; HTTP methods, URIs and status
 * codes; HTTP/2 frame types, stream ids, flags and lengths) must be what our dissector's
 * decoded layer says.
 *
 * tshark runs with TCP reassembly off (`tcp.desegment_tcp_streams:FALSE`), so that it too
 * reads each segment alone — the examples-pcap test checks the default, reassembling
 * view's protocols. Two differences remain, both because tshark keeps the connection's
 * state and we do not:
 *
 * - a TLS record cut by the segment end: we show its header and the bytes present;
 *   tshark, not reassembling, shows nothing of it. Compared: the records that end in the
 *   segment (ours: all but the cut one).
 * - an HTTP/2 segment that starts inside a frame: tshark knows where that frame ends and
 *   reads the frames after it ("[Continuation to #N]"); we cannot, and say TCP. Compared:
 *   nothing for those frames (ours must have no HTTP/2 layer).
 *
 * Then the trees themselves: every line of our layer ("Cipher Suite: TLS_AES_128_GCM_SHA256
 * (0x1301)", "Named Curve: x25519 (0x001d)", "Settings - Max concurrent streams: 100") must
 * be a line of `tshark -V` for the same frame, but for the lines listed in OUR_WORDS, where
 * we say in words what Wireshark shows as hex or as a subtree's heading.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { parseScenario } from '../../src/lab/scenario/index.ts';
import type { ScenarioSpec } from '../../src/lab/scenario/spec.ts';
import { type Decoded, dissect } from '../../src/tools/dissect/index.ts';
import { parseClientHello, parseServerHello } from '../../src/application/tls/hello.ts';
import { ProtocolError } from '../../src/bytes/protocol-error.ts';
import { exampleSpec } from '../scenarios/run-example.ts';
import { captureLinks } from './link-captures.ts';
import { hasTshark, tsharkFields, tsharkTrees, warnIfNoTshark, writeTempPcap } from './tshark-helpers.ts';

warnIfNoTshark('test/interop/app-dissect.test.ts');

const NO_REASSEMBLY = ['-o', 'tcp.desegment_tcp_streams:FALSE'];

/** What is compared per frame, as tshark's `-T fields` prints it (occurrences joined by ','). */
const COLUMNS = [
  'frame.number',
  '_ws.col.Info',
  'tls.record.content_type',
  'tls.record.opaque_type',
  'tls.record.length',
  'tls.handshake.type',
  'tls.handshake.extensions_server_name',
  'tls.handshake.ciphersuite',
  'tls.handshake.extension.type',
  'tls.alert_message.level',
  'tls.alert_message.desc',
  'http.request.method',
  'http.request.uri',
  'http.response.code',
  'http2.type',
  'http2.streamid',
  'http2.flags',
  'http2.length',
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Partial<Record<Column, string>>;

/** TLS 1.2 in the clear: ECDHE-ECDSA, RSA key exchange, a CertificateRequest, and a handshake_failure. */
const TLS12 = parseScenario(
  `
name: tls12
seed: 1
duration: 10s
topology:
  nodes:
    client: { kind: host, ip: 10.0.0.10/24 }
    web: { kind: host, ip: 10.0.0.80/24 }
    sw: { kind: switch }
  links: [[client, sw], [web, sw]]
web:
  - { server: web, tls: { names: [web], versions: [1.2] }, files: { /index.html: ecdhe } }
  - server: web
    port: 8443
    tls: { names: [web], key: rsa, versions: [1.2], suites: [TLS_RSA_WITH_AES_128_GCM_SHA256] }
    files: { /index.html: rsa }
  - { server: web, port: 9443, tls: { names: [web], versions: [1.2], client_auth: request }, files: { /index.html: asks } }
  - server: web
    port: 10443
    tls: { names: [web], versions: [1.2], suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384] }
    files: { /index.html: picky }
script:
  - { at: 1s, node: client, run: curl -sS https://web/ }
  - { at: 2s, node: client, run: curl -sS https://web:8443/ }
  - { at: 3s, node: client, run: curl -sS https://web:9443/ }
  - { at: 4s, node: client, run: curl -sS --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 https://web:10443/ }
`,
  'tls12.yaml',
).spec;

/** The plain-HTTP tour with the browser speaking HTTP/2 with prior knowledge. */
function h2cTour(): ScenarioSpec {
  const spec = exampleSpec('tour-http');
  return {
    ...spec,
    script: spec.script.map((s) =>
      s.run.startsWith('browser ') ? { ...s, run: s.run.replace('browser ', 'browser --h2 ') } : s,
    ),
  };
}

/**
 * Our lines that tshark words differently, on purpose: a length where it prints the bytes
 * in hex, a value on a line that is only a heading there, our notes in brackets, the
 * start line of an HTTP message (Wireshark prints the line itself), and the setting
 * tshark 4.0 does not know (RFC 9218's SETTINGS_NO_RFC7540_PRIORITIES).
 */
const OUR_WORDS: readonly RegExp[] = [
  /^\[/,
  /^Server Name Indication extension: /,
  /^ALPN Protocol: /,
  /^EC Diffie-Hellman (Server|Client) Params: /,
  /^RSA Encrypted PreMaster Secret: /,
  /^(Encrypted PreMaster|Signature|Encrypted Application Data|Data|Session Ticket): \d+ bytes$/,
  /^Header Block Fragment: \d+ bytes \(HPACK/,
  /^Change Cipher Spec Message: 1$/,
  /^Alert Message: /,
  // TLS 1.3's records after the ServerHello: tshark, knowing the version, says "Opaque Type", "TLSv1.3".
  /^Content Type: Application Data \(23\)$/,
  /^TLSv1\.2 Record Layer: Application Data Protocol: Application Data$/,
  // ...and the middlebox-compatibility ChangeCipherSpec of TLS 1.3 (RFC 8446 Appendix D.4).
  /^TLSv1\.2 Record Layer: Change Cipher Spec Protocol: Change Cipher Spec$/,
  /^(Request|Status) Line: /,
  /^End of header section: /,
  /^Body: /,
  /No RFC 7540 priorities/,
];

/** Our layer's tree as lines: `name: value`, or `name (...)` for Wireshark's counted subtrees. */
function ourLines(frame: Uint8Array): string[] {
  const layer = dissect(frame).layers[3];
  if (!layer || layer.protocol === 'DNS') return [];
  const out = [layer.title];
  const walk = (f: { name: string; value: string; children?: readonly (typeof f)[] }) => {
    out.push(f.value.startsWith('(') ? `${f.name} ${f.value}` : `${f.name}: ${f.value}`);
    for (const c of f.children ?? []) walk(c);
  };
  for (const f of layer.fields) walk(f);
  return out;
}

/** tshark's lines, trimmed, bit patterns (`.... ...0 = `) and line ends (`\r\n`) taken off. */
function theirLines(tree: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const raw of tree) {
    const line = raw
      .trim()
      .replace(/^[01.]{4}(?: [01.]{4})* = /, '')
      .replace(' : ', ': ');
    out.add(line);
    out.add(line.replace(/\\r\\n$/, ''));
  }
  return out;
}

/**
 * Our lines that are not tshark's, for every frame of a link where both read whole
 * messages, and how many of ours tshark printed word for word.
 */
function treeDifferences(
  frames: readonly Uint8Array[],
  trees: Map<number, string[]>,
): { differences: string[]; same: number } {
  const out: string[] = [];
  let same = 0;
  frames.forEach((frame, i) => {
    const o = ours(frame);
    const layer = o.layer;
    if (!layer || o.cut) return;
    if (layer.kind === 'http2' && layer.frames.some((x) => x.present < x.length)) return;
    const tree = trees.get(i + 1) ?? [];
    const theirs = theirLines(tree);
    for (const line of ourLines(frame)) {
      if (theirs.has(line)) {
        same++;
        continue;
      }
      if (OUR_WORDS.some((w) => w.test(line))) continue;
      // tshark appends the decoded request to a HEADERS frame's heading: "..., Length 64, GET /".
      if (line.startsWith('Stream: ') && [...theirs].some((t) => t.startsWith(`${line}, `))) continue;
      // A certificate: tshark prints its bytes and subject, "3082…(id-at-commonName=web)".
      const cn = /^Certificate: \d+ bytes \(subject CN=(.*)\)$/.exec(line)?.[1];
      if (
        cn !== undefined &&
        [...theirs].some((t) => t.startsWith('Certificate: 30') && t.includes(`(id-at-commonName=${cn}`))
      )
        continue;
      out.push(`frame ${i + 1}: ${line}`);
    }
  });
  return { differences: out, same };
}

const join = (xs: readonly (number | string)[]) => xs.join(',');
const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

/** Our decoded layer in tshark's columns. */
function ours(frame: Uint8Array): { row: Row; cut: boolean; layer?: Decoded } {
  const d = dissect(frame);
  const layer = d.layers.length > 3 ? d.layers.at(-1)!.decoded : undefined;
  const row: Row = {};
  let cut = false;
  if (layer?.kind === 'tls') {
    const whole = layer.records.filter((r) => r.present === r.length);
    cut = whole.length < layer.records.length;
    row['tls.record.content_type'] = join(whole.map((r) => r.type).sort());
    row['tls.record.length'] = join(whole.map((r) => r.length));
    row['tls.handshake.type'] = join(whole.flatMap((r) => r.handshakes.map((h) => h.type)));
    row['tls.handshake.extensions_server_name'] = layer.serverName ?? '';
    const suites: number[] = [];
    const extensions: number[] = [];
    for (const r of whole)
      for (const h of r.handshakes) {
        const body = frame.subarray(h.offset + 4, h.offset + 4 + h.length);
        const hello =
          h.type === 1 ? parseClientHello(body) : h.type === 2 ? parseServerHello(body) : undefined;
        if (hello === undefined || hello instanceof ProtocolError) continue;
        suites.push(...('cipherSuites' in hello ? hello.cipherSuites : [hello.cipherSuite]));
        extensions.push(...hello.extensions.map((e) => e.type));
      }
    row['tls.handshake.ciphersuite'] = join(suites.map(hex4));
    row['tls.handshake.extension.type'] = join(extensions);
    row['tls.alert_message.level'] = join(whole.flatMap((r) => (r.alert ? [r.alert.level] : [])));
    row['tls.alert_message.desc'] = join(whole.flatMap((r) => (r.alert ? [r.alert.description] : [])));
  }
  if (layer?.kind === 'http') {
    row['http.request.method'] = join(layer.messages.flatMap((m) => (m.request ? [m.request.method] : [])));
    row['http.request.uri'] = join(layer.messages.flatMap((m) => (m.request ? [m.request.target] : [])));
    row['http.response.code'] = join(layer.messages.flatMap((m) => (m.response ? [m.response.status] : [])));
  }
  if (layer?.kind === 'http2') {
    row['http2.type'] = join(layer.frames.map((x) => x.type));
    row['http2.streamid'] = join(layer.frames.map((x) => x.streamId));
    row['http2.flags'] = join(layer.frames.map((x) => hex2(x.flags)));
    row['http2.length'] = join(layer.frames.map((x) => x.length));
  }
  return layer ? { row, cut, layer } : { row, cut };
}

/** tshark's row in the same shape: TLS 1.3's opaque type counts as the record's type. */
function theirs(fields: string[]): { row: Row; info: string } {
  const get = (c: Column) => fields[COLUMNS.indexOf(c)] ?? '';
  const row: Row = {};
  for (const c of COLUMNS.slice(2)) row[c] = get(c);
  const types = [get('tls.record.content_type'), get('tls.record.opaque_type')].filter((t) => t !== '');
  row['tls.record.content_type'] = types
    .join(',')
    .split(',')
    .filter((t) => t !== '')
    .map(Number)
    .sort()
    .join(',');
  delete row['tls.record.opaque_type'];
  return { row, info: get('_ws.col.Info') };
}

interface Compared {
  /** Frames with our application layer. */
  readonly app: number;
  /** Tree lines of ours that tshark does not print (see OUR_WORDS). */
  readonly differences: string[];
  /** Tree lines of ours that tshark prints word for word. */
  readonly same: number;
  /** Values tshark found in the compared frames: `http2.type=4`, `tls.handshake.type=11`. */
  readonly seen: Set<string>;
  /** HTTP/2 frames where tshark read on from a frame it had followed (not compared). */
  readonly skipped: string[];
}

async function compare(spec: ScenarioSpec): Promise<Compared> {
  let app = 0;
  const seen = new Set<string>();
  const skipped: string[] = [];
  const differences: string[] = [];
  let same = 0;
  for (const link of await captureLinks(spec)) {
    const path = writeTempPcap(
      concatBytes(link.chunks),
      `${spec.name}-${link.name.replace(/[^\w.-]/g, '_')}.pcap`,
    );
    const rows = tsharkFields(path, COLUMNS, undefined, NO_REASSEMBLY);
    expect(rows.length).toBe(link.frames.length);
    const trees = treeDifferences(link.frames, tsharkTrees(path, NO_REASSEMBLY));
    differences.push(...trees.differences.map((d) => `${link.name} ${d}`));
    same += trees.same;
    rows.forEach((fields, i) => {
      const t = theirs(fields);
      const o = ours(link.frames[i]!);
      const where = `${spec.name} ${link.name} frame ${i + 1}: ${t.info}`;
      if (t.info.startsWith('[Continuation to #')) {
        // tshark knows where the HTTP/2 frame it continues ends; a packet alone does not.
        expect([where, o.layer?.kind]).toEqual([where, undefined]);
        skipped.push(where);
        return;
      }
      if (o.layer) app++;
      if (o.layer?.kind === 'tls' && !o.cut) {
        // Wireshark's Info column for TLS, record by record ("Server Hello, Certificate, ...").
        expect([where, dissect(link.frames[i]!).info]).toEqual([where, t.info.trim()]);
      }
      const want: Row = { ...t.row };
      const got: Row = {};
      for (const c of Object.keys(want) as Column[]) got[c] = o.row[c] ?? '';
      expect([where, got]).toEqual([where, want]);
      for (const c of [
        'tls.handshake.type',
        'tls.alert_message.desc',
        'http.request.method',
        'http.response.code',
        'http2.type',
      ] as const)
        for (const v of want[c]!.split(',')) if (v !== '') seen.add(`${c}=${v}`);
    });
  }
  return { app, seen, skipped, differences, same };
}

const seenOf = (r: Compared, column: string) =>
  [...r.seen]
    .filter((s) => s.startsWith(`${column}=`))
    .map((s) => s.slice(column.length + 1))
    .sort();

describe.skipIf(!hasTshark())('our TLS, HTTP and HTTP/2 layers agree with tshark, frame by frame', () => {
  it('the HTTPS tour: TLS 1.3 ClientHello (SNI, suites, extensions), ServerHello, encrypted records', async () => {
    const r = await compare(exampleSpec('tour'));
    expect(r.app).toBeGreaterThan(100);
    expect(r.differences).toEqual([]);
    expect(r.same).toBeGreaterThan(5 * r.app);
    // Without keys only the hellos are readable in TLS 1.3.
    expect(seenOf(r, 'tls.handshake.type')).toEqual(['1', '2']);
  });

  it('the plain-HTTP tour: requests and responses', async () => {
    const r = await compare(exampleSpec('tour-http'));
    expect(r.app).toBeGreaterThan(20);
    expect(r.differences).toEqual([]);
    expect(r.same).toBeGreaterThan(5 * r.app);
    expect([seenOf(r, 'http.request.method'), seenOf(r, 'http.response.code')]).toEqual([['GET'], ['200']]);
  });

  it('the plain-HTTP tour over h2c: the preface, SETTINGS, HEADERS, DATA, WINDOW_UPDATE, GOAWAY', async () => {
    const r = await compare(h2cTour());
    expect(r.app).toBeGreaterThan(20);
    expect(r.differences).toEqual([]);
    expect(r.same).toBeGreaterThan(5 * r.app);
    // DATA, HEADERS, SETTINGS, GOAWAY, WINDOW_UPDATE.
    expect(seenOf(r, 'http2.type')).toEqual(['0', '1', '4', '7', '8']);
    expect(r.skipped.length).toBeGreaterThan(0);
  });

  it('TLS 1.2: ECDHE and RSA key exchange, CertificateRequest, a handshake_failure alert', async () => {
    const r = await compare(TLS12);
    expect(r.app).toBeGreaterThan(20);
    expect(r.differences).toEqual([]);
    expect(r.same).toBeGreaterThan(5 * r.app);
    // ClientHello, ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone, ClientKeyExchange.
    expect(seenOf(r, 'tls.handshake.type')).toEqual(['1', '11', '12', '13', '14', '16', '2']);
    expect(seenOf(r, 'tls.alert_message.desc')).toEqual(['40']);
  });
});
