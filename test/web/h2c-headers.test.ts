/**
 * The web lab decodes the header blocks of a cleartext HTTP/2 connection (h2c, the
 * browser's HTTP/2 by prior knowledge on port 80), as it does for decrypted ones: the
 * packet list names the stylesheet request `HEADERS[3]: GET /style.css`, the inspector
 * shows its fields, and the display filter's `http2.headers.*` fields match it — with
 * decryption on or off, since nothing here is encrypted.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { parseScenario } from '../../src/lab/scenario/index.ts';
import type { Field } from '../../src/tools/dissect/index.ts';
import { LabEngine } from '../../web/src/engine/lab-engine.ts';
import { hasTshark, tsharkFields, warnIfNoTshark, writeTempPcap } from '../interop/tshark-helpers.ts';

warnIfNoTshark('test/web/h2c-headers.test.ts (the comparison with tshark)');

function lines(fields: readonly Field[], depth = 0): string[] {
  return fields.flatMap((f) => [
    `${'  '.repeat(depth)}${f.name}: ${f.value}`,
    ...lines(f.children ?? [], depth + 1),
  ]);
}

const YAML = `
name: h2c
description: A page and its stylesheet over HTTP/2 in the clear.
duration: 5s
topology:
  nodes:
    laptop: { kind: host, ip: 10.0.0.10/24 }
    lan: { kind: switch }
    www: { kind: host, ip: 10.0.0.80/24 }
  links:
    - [laptop, lan]
    - [www, lan]
web:
  - server: www
    files:
      /index.html: '<html><head><link rel="stylesheet" href="/style.css"></head><body>h2c</body></html>'
      /style.css: 'p { color: teal }'
script:
  - { at: 1s, node: laptop, run: browser --h2 http://10.0.0.80/ }
`;

describe('the web lab decodes h2c header blocks', async () => {
  const { spec } = parseScenario(YAML, 'h2c.yaml');
  const e = new LabEngine(spec!);
  await e.advanceTo(e.duration);

  it('matches http2.headers.path == "/style.css" on the request, on each link it crossed', () => {
    const filter = 'http2.headers.path == "/style.css"';
    const got = e.setFilter(filter);
    expect(got).toEqual({ count: 2 }); // laptop–lan and lan–www
    const rows = e.rows(0, 2);
    expect(rows.map((r) => [r.iface, r.protocol, r.info])).toEqual([
      ['laptop:eth0', 'HTTP2', 'HEADERS[3]: GET /style.css'],
      ['lan:p2', 'HTTP2', 'HEADERS[3]: GET /style.css'],
    ]);
  });

  it('shows the request’s decoded fields in the inspector, the authority from the dynamic table', () => {
    e.setFilter('http2.headers.path == "/style.css"');
    const d = e.inspect(e.rows(0, 1)[0]!.index);
    expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'TCP', 'HTTP2']);
    const tree = lines(d.layers.at(-1)!.fields);
    expect(tree[0]).toBe('Stream: HEADERS, Stream ID: 3, Length 43, GET /style.css');
    expect(tree.filter((l) => l.startsWith('  Header: '))).toEqual([
      '  Header: :method: GET',
      '  Header: :scheme: http',
      '  Header: :authority: 10.0.0.80',
      '  Header: :path: /style.css',
      '  Header: user-agent: Mozilla/5.0 (X11; Linux x86_64) netlab-browser/0.1',
      '  Header: accept: text/css,*/*;q=0.1',
      '  Header: referer: http://10.0.0.80/',
    ]);
    // The first request added :authority (and user-agent) to the client's table (RFC 7541 §2.3.2).
    const authority = tree.indexOf('  Header: :authority: 10.0.0.80');
    expect(tree.slice(authority + 5, authority + 7)).toEqual([
      '    Representation: Indexed Header Field',
      '    Index: 64 (dynamic table)',
    ]);
    expect(tree).toContain('  [Header block]: 43 bytes for 163 bytes of headers (74% saved)');
    expect(tree).toContain('  [Dynamic table after this block]: 6 entries, 403 of 4096 bytes');
    const bytes = d.bytes;
    const field = d.layers.at(-1)!.fields[0]!.children!.find((f) => f.value === ':authority: 10.0.0.80')!;
    expect(Array.from(bytes.subarray(field.offset, field.offset + field.length))).toEqual([0x80 | 64]);
  });

  it('matches the responses’ fields too, and the same with decryption off', () => {
    expect(e.setFilter('http2.headers.status == 200 && frame.iface == "www:eth0"')).toEqual({ count: 2 });
    expect(e.rows(0, 2).map((r) => r.info)).toEqual([
      'HEADERS[1]: 200 OK, DATA[1]',
      'HEADERS[3]: 200 OK, DATA[3]',
    ]);
    expect(e.setFilter('http2.header.value == "text/css; charset=utf-8"')).toEqual({ count: 2 });
    e.decryptTls = false;
    try {
      expect(e.setFilter('http2.headers.path == "/style.css"')).toEqual({ count: 2 });
    } finally {
      e.decryptTls = true;
    }
  });

  it.skipIf(!hasTshark())('finds the request in the same frame as tshark -d tcp.port==80,http2', () => {
    const pcap = writeTempPcap(concatBytes(e.pcapChunks()), 'h2c.pcap');
    const theirs = tsharkFields(
      pcap,
      ['frame.number', 'http2.headers.path'],
      'http2.headers.path == "/style.css"',
      ['-d', 'tcp.port==80,http2'],
    );
    // The pcap holds each link's copy of the connection; tshark, seeing one connection, takes
    // the second copy (lan:p2) for a TCP retransmission and leaves it undissected: compare the first.
    e.setFilter('http2.headers.path == "/style.css" && frame.iface == "laptop:eth0"');
    const ours = e.rows(0, 10).map((r) => [String(r.index + 1), '/style.css']);
    expect(theirs).toEqual(ours);
  });
});
