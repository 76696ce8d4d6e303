/**
 * examples/http2.yaml through the web lab's engine, decrypted with the run's key log: the
 * HTTP/2 header blocks decoded with each connection's HPACK dynamic table, as Wireshark
 * decodes them with the keys — the stylesheet's request field by field with its
 * representations, the Info column's `HEADERS[3]: GET /style.css`, the filter's
 * `http2.headers.*` fields, and the notes' claim made visible: once the dynamic table
 * holds a connection's repeated headers, a request costs a dozen bytes on the wire.
 */
import { describe, expect, it } from 'vitest';
import { huffmanDecodeInto } from '../../src/application/http2/hpack/huffman.ts';
import type { Field } from '../../src/tools/dissect/index.ts';
import { LabEngine } from '../../web/src/engine/lab-engine.ts';
import { runExample } from './run-example.ts';

function lines(fields: readonly Field[], depth = 0): string[] {
  return fields.flatMap((f) => [
    `${'  '.repeat(depth)}${f.name}: ${f.value}`,
    ...lines(f.children ?? [], depth + 1),
  ]);
}

describe('http2: header blocks decoded per connection (HPACK)', async () => {
  const r = await runExample('http2');
  const e = new LabEngine(r.spec);
  await e.advanceTo(e.duration);
  const rows = (filter: string) => {
    expect(e.setFilter(filter)).not.toHaveProperty('error');
    return e.rows(0, e.visibleCount());
  };

  it('the laptop’s request for /style.css: its fields, representations and indexes', () => {
    const [row, ...more] = rows('http2.headers.path == "/style.css" && frame.iface == "laptop:eth0"');
    // Only the no-push load asks for it: with push the server promised it (a PUSH_PROMISE from www).
    expect(more).toEqual([]);
    expect(row!.info).toBe('HEADERS[3]: GET /style.css');
    const x = e.inspect(row!.index);
    const h2 = x.layers.find((l) => l.protocol === 'HTTP2')!;
    const stream = h2.fields.find((f) => f.name === 'Stream')!;
    expect(stream.value).toBe('HEADERS, Stream ID: 3, Length 41, GET /style.css');
    const headers = (stream.children ?? []).filter((f) => f.name === 'Header');
    expect(headers.map((f) => f.value)).toEqual([
      ':method: GET',
      ':scheme: https',
      ':authority: www',
      ':path: /style.css',
      'user-agent: Mozilla/5.0 (X11; Linux x86_64) netlab-browser/0.1',
      'accept: text/css,*/*;q=0.1',
      'referer: https://www/',
    ]);
    // The representations and indexes tshark shows for this frame (`-V -O http2`).
    const rep = (f: Field) => f.children!.find((c) => c.name === 'Representation')!.value;
    const index = (f: Field) => f.children!.find((c) => c.name === 'Index')?.value;
    expect(headers.map((f) => [rep(f), index(f)])).toEqual([
      ['Indexed Header Field', '2 (static table)'],
      ['Indexed Header Field', '7 (static table)'],
      ['Indexed Header Field', '64 (dynamic table)'],
      ['Literal Header Field with Incremental Indexing - Indexed Name', '4 (static table)'],
      ['Indexed Header Field', '64 (dynamic table)'],
      ['Literal Header Field with Incremental Indexing - Indexed Name', '19 (static table)'],
      ['Literal Header Field with Incremental Indexing - Indexed Name', '51 (static table)'],
    ]);
    expect(lines(headers[3]!.children!)).toEqual([
      'Name Length: 5',
      'Name: :path',
      'Value Length: 10',
      'Value: /style.css',
      'Representation: Literal Header Field with Incremental Indexing - Indexed Name',
      'Index: 4 (static table)',
      '[Value encoding]: Huffman, 7 bytes for 10',
    ]);
    expect((stream.children ?? []).find((f) => f.name === '[Header block]')?.value).toBe(
      '41 bytes for 153 bytes of headers (73% saved)',
    );
    // The field marks its encoded bytes in the Decrypted TLS source: 0x44 (incremental,
    // name index 4), 0x87 (Huffman, 7 octets), then the 7 octets that decode to the path.
    const path = headers[3]!;
    const bytes = x.sources[h2.source!]!.bytes.subarray(path.offset, path.offset + path.length);
    expect([bytes.length, bytes[0], bytes[1]]).toEqual([9, 0x44, 0x87]);
    const out = new Uint8Array(16);
    const n = huffmanDecodeInto(bytes, 2, 9, out);
    expect(new TextDecoder().decode(out.subarray(0, n))).toBe('/style.css');
  });

  it('later requests of a connection are a dozen bytes: the dynamic table at work', () => {
    const first = rows('http2.headers.path == "/" && frame.iface == "laptop:eth0"')[0]!;
    const h = e.tls.forPacket(first.index)!.headers()!;
    expect(h.client.stopped).toBeUndefined();
    expect(h.server.stopped).toBeUndefined();
    const client = h.client.blocks;
    expect(client.map((b) => b.streamId)).toEqual(Array.from({ length: 27 }, (_, i) => 2 * i + 1));
    // GET / teaches the table user-agent and the authority; /style.css its referer.
    expect(client.slice(0, 5).map((b) => [b.blockLength, b.headerOctets])).toEqual([
      [98, 170],
      [41, 153],
      [18, 135],
      [46, 173],
      [13, 173],
    ]);
    // Every image after the first: 13 or 14 bytes for 173 or 174 bytes of headers.
    expect(client.slice(4).every((b) => b.blockLength <= 14 && b.headerOctets >= 173)).toBe(true);
    expect(client.at(-1)!.tableSize).toBe(1604);
    // The responses: 5 bytes each once the table holds an image's headers.
    expect(h.server.blocks.map((b) => b.blockLength)).toEqual([64, 40, 46, 30, ...Array(23).fill(5)]);
  });

  it('the rows’ Info and the filter fields, with push', () => {
    const promises = rows('http2.type == 5 && frame.iface == "www:eth0"');
    expect(promises.map((x) => x.info)).toEqual([
      'PUSH_PROMISE[1]: GET /style.css, PUSH_PROMISE[1]: GET /app.js, HEADERS[1]: 200 OK, DATA[1]',
    ]);
    expect(rows('http2.headers.status == 200 && frame.iface == "www:eth0"')).toHaveLength(10);
    expect(
      rows('http2.headers.method == "GET" && frame.iface == "laptop:eth0"').map((x) => x.index + 1),
    ).toEqual([517, 528, 529, 853, 884, 885]);
    expect(rows('http2.header.name == "referer" && frame.iface == "laptop:eth0"')).toHaveLength(4);
    // The image responses, each on both links it crossed (www:eth0, then lan:p1).
    expect(rows('http2.header.value == "image/png"').map((x) => x.index + 1)).toEqual([
      585, 600, 906, 913, 917, 926, 952, 957,
    ]);
    expect(rows('http2.headers.status >= 300')).toHaveLength(0);
    e.decryptTls = false;
    expect(rows('http2.headers.path')).toHaveLength(0);
    e.decryptTls = true;
  });
});
