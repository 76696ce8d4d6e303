import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_PREFACE } from '../../application/http2/preface.ts';
import { concatBytes } from '../../bytes/concat.ts';
import { decodeH2cConnection, type H2cConnection, h2cHeaderContext } from './h2c-headers.ts';
import { h2cCapture } from './h2c-test-capture.ts';
import { representationName } from './http2-headers/representations.ts';
import { dissect } from './index.ts';
import { segmentOf } from './tcp-reassembly/segment.ts';
import { ascii, tcpFrame } from './tcp-test-frames.ts';
import type { Field } from './types.ts';

function lines(fields: readonly Field[], depth = 0): string[] {
  return fields.flatMap((f) => [
    `${'  '.repeat(depth)}${f.name}: ${f.value}`,
    ...lines(f.children ?? [], depth + 1),
  ]);
}

const fieldsOf = (c: H2cConnection, direction: 'client' | 'server') =>
  c.headers[direction].blocks.map((b) =>
    b.fields.map((f) => `${f.name}: ${f.value} (${representationName(f)}, ${f.index})`),
  );

/** The capture's frames, by index: 6 and 11 are the client's HEADERS, 9 and 12 the server's. */
let frames: Uint8Array[];
beforeAll(async () => {
  frames = await h2cCapture();
});

describe('decodeH2cConnection: a real h2c exchange from the simulator', () => {
  it('decodes both requests and responses, as tshark -d tcp.port==80,http2 reads them', () => {
    const c = decodeH2cConnection(frames)!;
    expect(c.client).toMatch(/^10\.0\.0\.1:\d+$/);
    expect(c.server).toBe('10.0.0.2:80');
    expect(c.notes).toEqual([]);
    // tshark 4.0 on the same frames (written with PcapWriter): the same names, values,
    // representations and indexes (http2.header.name, .value, .repr, .index).
    expect(fieldsOf(c, 'client')).toEqual([
      [
        ':method: GET (Indexed Header Field, 2)',
        ':scheme: http (Indexed Header Field, 6)',
        ':authority: 10.0.0.2 (Literal Header Field with Incremental Indexing - Indexed Name, 1)',
        ':path: / (Indexed Header Field, 4)',
      ],
      [
        ':method: GET (Indexed Header Field, 2)',
        ':scheme: http (Indexed Header Field, 6)',
        // The second request names the authority by the entry the first one added (RFC 7541 §2.3.3).
        ':authority: 10.0.0.2 (Indexed Header Field, 62)',
        ':path: /style.css (Literal Header Field with Incremental Indexing - Indexed Name, 4)',
      ],
    ]);
    expect(fieldsOf(c, 'server')).toEqual([
      [
        ':status: 200 (Indexed Header Field, 8)',
        'content-type: text/html (Literal Header Field with Incremental Indexing - Indexed Name, 31)',
        'content-length: 51 (Literal Header Field with Incremental Indexing - Indexed Name, 28)',
      ],
      [
        ':status: 200 (Indexed Header Field, 8)',
        'content-type: text/css (Literal Header Field with Incremental Indexing - Indexed Name, 31)',
        'content-length: 17 (Literal Header Field with Incremental Indexing - Indexed Name, 28)',
      ],
    ]);
    // Entry sizes are name + value + 32 (§4.1): ":authority: 10.0.0.2" is 50, ":path: /style.css" 47.
    expect(
      c.headers.client.blocks.map((b) => [b.streamId, b.blockLength, b.tableEntries, b.tableSize]),
    ).toEqual([
      [1, 11, 1, 50],
      [3, 12, 2, 97],
    ]);
    expect(c.headers.server.blocks.map((b) => [b.streamId, b.tableEntries, b.tableSize])).toEqual([
      [1, 2, 101],
      [3, 4, 201],
    ]);
  });

  it('shows the second request’s decoded block in its packet, the dynamic-table index marking its byte', () => {
    const c = decodeH2cConnection(frames)!;
    expect(dissect(frames[11]!).info).toBe('HEADERS[3]');
    const d = dissect(frames[11]!, h2cHeaderContext(c, 11, frames[11]!));
    expect(d.info).toBe('HEADERS[3]: GET /style.css');
    const h2 = d.layers.at(-1)!;
    expect(h2.decoded).toMatchObject({
      kind: 'http2',
      headers: [
        { name: ':method', value: 'GET' },
        { name: ':scheme', value: 'http' },
        { name: ':authority', value: '10.0.0.2' },
        { name: ':path', value: '/style.css' },
      ],
    });
    const tree = lines(h2.fields);
    expect(tree).toContain('  [Header block]: 12 bytes for 54 bytes of headers (78% saved)');
    expect(tree).toContain('  [Dynamic table after this block]: 2 entries, 97 of 4096 bytes');
    const authority = h2.fields[0]!.children!.find((f) => f.value === ':authority: 10.0.0.2')!;
    // Indexed Header Field, index 62: 0x80 | 62 (RFC 7541 §6.1), in the frame's own bytes.
    expect(Array.from(frames[11]!.subarray(authority.offset, authority.offset + authority.length))).toEqual([
      0xbe,
    ]);
    const response = dissect(frames[12]!, h2cHeaderContext(c, 12, frames[12]!));
    expect(response.info).toBe('HEADERS[3]: 200 OK, DATA[3]');
  });

  it('follows the stream through a retransmission and reordering; the copy has no block of its own', () => {
    const moved = [
      ...frames.slice(0, 9),
      frames[10]!,
      frames[9]!,
      frames[11]!,
      frames[11]!,
      ...frames.slice(12),
    ];
    const c = decodeH2cConnection(moved)!;
    expect(c.notes).toEqual([]);
    expect(fieldsOf(c, 'client')).toEqual(fieldsOf(decodeH2cConnection(frames)!, 'client'));
    expect(fieldsOf(c, 'server')).toEqual(fieldsOf(decodeH2cConnection(frames)!, 'server'));
    expect(dissect(moved[11]!, h2cHeaderContext(c, 11, moved[11]!)).info).toBe('HEADERS[3]: GET /style.css');
    expect(h2cHeaderContext(c, 12, moved[12]!)).toBeUndefined();
  });

  it('a hole ends its direction there, with the reason, and the blocks after it say so', () => {
    const lost = frames.filter((_, i) => i !== 9); // the server's first HEADERS and DATA
    const c = decodeH2cConnection(lost)!;
    expect(c.headers.client.blocks).toHaveLength(2);
    expect(c.headers.server.blocks).toEqual([]);
    const stop = c.headers.server.stopped!;
    expect([stop.code, stop.offset]).toEqual(['segment-missing', 55]);
    expect(c.notes).toEqual([
      'server → client: 83 bytes missing at stream byte 55 (a segment the capture lacks); decoding of this direction stops there',
    ]);
    const at = lost.indexOf(frames[12]!);
    const d = dissect(lost[at]!, h2cHeaderContext(c, at, lost[at]!));
    expect(d.info).toBe('HEADERS[3], DATA[3]');
    expect(lines(d.layers.at(-1)!.fields)).toContain(
      '  [Header block not decoded]: decoding stopped at an earlier block: 83 bytes missing at stream byte 55 (a segment the capture lacks); decoding of this direction stops there',
    );
  });
});

describe('decodeH2cConnection: what is not h2c, and bad input', () => {
  it('is undefined for a connection that does not start with the preface', () => {
    expect(decodeH2cConnection([tcpFrame(ascii('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), { dport: 80 })])).toBe(
      undefined,
    );
    expect(decodeH2cConnection([tcpFrame(CLIENT_PREFACE.subarray(0, 20), { dport: 80 })])).toBe(undefined);
  });

  it('the preface and then garbage: the client direction stops with the reason, nothing throws', () => {
    const garbage = tcpFrame(concatBytes([CLIENT_PREFACE, ascii('this is not an HTTP/2 frame')]), {
      dport: 80,
    });
    const c = decodeH2cConnection([garbage])!;
    expect(c.client).toBe('10.0.0.1:40000');
    expect(c.headers.client.blocks).toEqual([]);
    const stop = c.headers.client.stopped!;
    expect([stop.code, stop.offset]).toEqual(['no-settings', 24]);
    expect(c.notes).toEqual([
      "client → server: the client's preface does not start with a SETTINGS frame (RFC 9113 §3.4: PROTOCOL_ERROR)",
    ]);
    expect(() => dissect(garbage, h2cHeaderContext(c, 0, garbage))).not.toThrow();
  });

  it('never throws on the exchange with a payload bit flipped, and stops with a reason where it breaks', () => {
    let stopped = 0;
    for (let i = 0; i < 200; i++) {
      const bent = frames.map((f) => f.slice());
      const f = bent[5 + (i % 8)]!;
      const payload = segmentOf(f)!.payload;
      const at = f.length - payload.length + ((i * 7) % payload.length);
      f[at] = f[at]! ^ (1 << (i % 8));
      const c = decodeH2cConnection(bent);
      if (c === undefined) continue;
      if (c.notes.length > 0) stopped++;
      for (const [k, x] of bent.entries())
        expect(dissect(x, h2cHeaderContext(c, k, x)).layers.length).toBeGreaterThan(0);
    }
    expect(stopped).toBeGreaterThan(10);
  });
});
