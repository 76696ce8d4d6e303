import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../application/http2/frame.ts';
import { serializeFrame } from '../../../application/http2/frame-codec.ts';
import { CLIENT_PREFACE } from '../../../application/http2/preface.ts';
import { concatBytes } from '../../../bytes/concat.ts';
import { fromHex } from '../../../bytes/hex.ts';
import { blockRangeInRecord, decodeConnectionHeaders } from './decode.ts';
import type { PlainRecord } from './plain-stream.ts';
import { representationName } from './representations.ts';

// RFC 7541 Appendix C.3 (no Huffman) and C.4 (Huffman): the same three requests.
const C3 = [
  '828684410f7777772e6578616d706c652e636f6d',
  '828684be58086e6f2d6361636865',
  '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565',
];
const C4 = [
  '828684418cf1e3c2e5f23a6ba0ab90f4ff',
  '828684be5886a8eb10649cbf',
  '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf',
];

const settings = (pairs: [number, number][] = []): Frame => ({
  type: 'SETTINGS',
  ack: false,
  settings: pairs,
});
const ack: Frame = { type: 'SETTINGS', ack: true, settings: [] };
const headers = (streamId: number, hex: string, endHeaders = true): Frame => ({
  type: 'HEADERS',
  streamId,
  endStream: true,
  endHeaders,
  fragment: fromHex(hex),
});

/** The bytes cut into records at `cuts` (stream offsets), each record 100 TLS bytes after the last. */
function records(bytes: Uint8Array, cuts: number[]): PlainRecord[] {
  const edges = [0, ...cuts, bytes.length];
  return edges
    .slice(1)
    .map((end, i) => ({ streamOffset: 1000 + 100 * i, bytes: bytes.slice(edges[i]!, end) }));
}

function clientStream(...frames: Frame[]): Uint8Array {
  return concatBytes([CLIENT_PREFACE, ...frames.map(serializeFrame)]);
}

const server = records(serializeFrame(settings()), []);

describe('decodeConnectionHeaders: RFC 7541 C.3 and C.4 as HTTP/2 frames across records', () => {
  for (const [id, blocks, huffman] of [
    ['C.3', C3, false],
    ['C.4', C4, true],
  ] as const) {
    it(`${id}: three requests, each with its fields, representations and table size`, () => {
      const bytes = clientStream(
        settings(),
        ack,
        headers(1, blocks[0]!),
        headers(3, blocks[1]!),
        headers(5, blocks[2]!),
      );
      // Cut inside the preface, inside the first HEADERS frame header, and inside the second block's cache-control.
      const first = 24 + 9 + 9;
      const cuts = [10, first + 4, first + 9 + blocks[0]!.length / 2 + 9 + 6];
      const d = decodeConnectionHeaders(records(bytes, cuts), server).client;
      expect(d.stopped).toBeUndefined();
      expect(
        d.blocks.map((b) => [b.streamId, b.frameOffset, b.blockLength, b.tableSize, b.tableEntries]),
      ).toEqual([
        [1, first, blocks[0]!.length / 2, 57, 1],
        [3, first + 9 + blocks[0]!.length / 2, blocks[1]!.length / 2, 110, 2],
        [5, first + 18 + (blocks[0]!.length + blocks[1]!.length) / 2, blocks[2]!.length / 2, 164, 3],
      ]);
      const [b1, b2, b3] = d.blocks;
      expect(b1!.fields.map((f) => [f.name, f.value, representationName(f), f.index])).toEqual([
        [':method', 'GET', 'Indexed Header Field', 2],
        [':scheme', 'http', 'Indexed Header Field', 6],
        [':path', '/', 'Indexed Header Field', 4],
        [':authority', 'www.example.com', 'Literal Header Field with Incremental Indexing - Indexed Name', 1],
      ]);
      const authority = b1!.fields[3]!;
      expect([authority.offset, authority.length, authority.valueLiteral]).toEqual([
        3,
        huffman ? 14 : 17,
        { huffman, length: huffman ? 12 : 15, offset: 4 },
      ]);
      expect(b2!.fields.map((f) => [f.name, f.value, f.representation, f.index])).toEqual([
        [':method', 'GET', 'indexed', 2],
        [':scheme', 'http', 'indexed', 6],
        [':path', '/', 'indexed', 4],
        // 62: the first dynamic entry, the :authority the first request added.
        [':authority', 'www.example.com', 'indexed', 62],
        ['cache-control', 'no-cache', 'incremental', 24],
      ]);
      expect(b3!.fields.map((f) => [f.name, f.value, f.representation, f.index])).toEqual([
        [':method', 'GET', 'indexed', 2],
        [':scheme', 'https', 'indexed', 7],
        [':path', '/index.html', 'indexed', 5],
        [':authority', 'www.example.com', 'indexed', 63],
        ['custom-key', 'custom-value', 'incremental', 0],
      ]);
      const custom = b3!.fields[4]!;
      expect(representationName(custom)).toBe('Literal Header Field with Incremental Indexing - New Name');
      expect([custom.nameLiteral, custom.valueLiteral]).toEqual([
        { huffman, length: huffman ? 8 : 10, offset: 5 },
        { huffman, length: huffman ? 9 : 12, offset: huffman ? 14 : 16 },
      ]);
      // What compression saved: 3 fields of 5 in one octet each once the table knows them.
      expect([b2!.blockLength, b2!.headerOctets]).toEqual([huffman ? 12 : 14, 10 + 11 + 6 + 25 + 21]);
      // The second block spans two records: found by the stream offset of its frame header,
      // which the record its header is in starts before (recordStarts, as the dissector looks it up).
      const rec = records(bytes, cuts);
      const start = d.recordStarts.get(rec[2]!.streamOffset)!;
      expect(d.byFrame.get(start + b2!.frameOffset - cuts[1]!)).toBe(b2);
      expect(d.byFrame.get(start)).toBeUndefined();
      // cache-control is cut by the third record: its bytes in the second and third.
      const cc = b2!.fields[4]!;
      const start2 = cuts[1]!;
      const start3 = cuts[2]!;
      const inSecond = blockRangeInRecord(b2!, cc.offset, cc.offset + cc.length, start2, start3 - start2);
      const inThird = blockRangeInRecord(
        b2!,
        cc.offset,
        cc.offset + cc.length,
        start3,
        bytes.length - start3,
      );
      expect(inSecond).toEqual({
        offset: b2!.frameOffset + 9 + cc.offset - start2,
        length: start3 - (b2!.frameOffset + 9 + cc.offset),
      });
      expect(inSecond!.length + inThird!.length).toBe(cc.length);
      expect(inThird!.offset).toBe(0);
    });
  }

  it('a block split into HEADERS and CONTINUATION decodes as one, keyed by the HEADERS frame', () => {
    const block = C4[0]!;
    const cont: Frame = {
      type: 'CONTINUATION',
      streamId: 1,
      endHeaders: true,
      fragment: fromHex(block.slice(8)),
    };
    const bytes = clientStream(settings(), headers(1, block.slice(0, 8), false), cont, headers(3, C4[1]!));
    const d = decodeConnectionHeaders(records(bytes, []), server).client;
    expect(d.stopped).toBeUndefined();
    expect(d.blocks.map((b) => [b.streamId, b.frames, b.blockLength, b.tableSize])).toEqual([
      [1, 2, 17, 57],
      [3, 1, 12, 110],
    ]);
    expect(d.blocks[0]!.pieces).toEqual([
      { at: 24 + 9 + 9, blockOffset: 0, length: 4 },
      { at: 24 + 9 + 9 + 4 + 9, blockOffset: 4, length: 13 },
    ]);
    expect(d.blocks[0]!.fields.map((f) => f.value)).toEqual(['GET', 'http', '/', 'www.example.com']);
    expect(d.byFrame.get(24 + 9)).toBe(d.blocks[0]);
  });

  it('a HEADERS frame other than CONTINUATION inside a block stops the direction', () => {
    const bytes = clientStream(settings(), headers(1, C3[0]!.slice(0, 8), false), headers(3, C3[1]!));
    const d = decodeConnectionHeaders(records(bytes, []), server).client;
    expect(d.blocks).toEqual([]);
    expect([d.stopped?.code, d.stopped?.offset]).toEqual(['continuation-expected', 24 + 9 + 9 + 4]);
  });

  it('a corrupt block stops the direction with the reason, and nothing after it is decoded', () => {
    // Index 70 with a one-entry dynamic table: RFC 7541 §2.3.3 makes it a decoding error.
    const bytes = clientStream(settings(), headers(1, C3[0]!), headers(3, '8286c6'), headers(5, C3[1]!));
    const d = decodeConnectionHeaders(records(bytes, [30]), server).client;
    expect(d.blocks.map((b) => [b.streamId, b.fields.length, b.error?.code])).toEqual([
      [1, 4, undefined],
      [3, 0, 'bad-index'],
    ]);
    expect(d.stopped?.protocol).toBe('hpack');
    expect(d.stopped?.code).toBe('bad-index');
    expect(d.stopped?.message).toBe('index 70 is outside the static table and the 1-entry dynamic table');
    // Huffman padding that is not EOS's bits: also stops.
    const bad = clientStream(settings(), headers(1, '418cf1e3c2e5f23a6ba0ab90f4fe'));
    expect(decodeConnectionHeaders(records(bad, []), server).client.stopped?.code).toBe('huffman-padding');
  });

  it('the peer’s SETTINGS_HEADER_TABLE_SIZE applies once acknowledged, and size updates in the block are followed', () => {
    // The server lowers the table to 64; the client acknowledges, then must start its next block with an update.
    const srv = records(serializeFrame(settings([[1, 64]])), []);
    const withUpdate = clientStream(settings(), headers(1, C3[0]!), ack, headers(3, `3f21${C3[1]!}`));
    const d = decodeConnectionHeaders(records(withUpdate, []), srv).client;
    expect(d.stopped).toBeUndefined();
    const [b1, b2] = d.blocks;
    expect([b1!.tableMaxSize, b1!.tableSize]).toEqual([4096, 57]);
    // 3f21: a size update to 31 + 33 = 64 (§5.1 integer with a 5-bit prefix).
    expect(b2!.sizeUpdates).toEqual([{ size: 64, offset: 0, length: 2 }]);
    // Table at 64: cache-control: no-cache (53 octets) evicts :authority (57).
    expect([b2!.tableMaxSize, b2!.tableSize, b2!.tableEntries]).toEqual([64, 53, 1]);
    expect(b2!.fields.map((f) => f.name)).toEqual([
      ':method',
      ':scheme',
      ':path',
      ':authority',
      'cache-control',
    ]);
    // Without the update after the ACK: the decoder must refuse (RFC 7541 §4.2).
    const without = clientStream(settings(), headers(1, C3[0]!), ack, headers(3, C3[1]!));
    const e = decodeConnectionHeaders(records(without, []), srv).client;
    expect(e.stopped?.code).toBe('size-update-missing');
    // Before the ACK the old limit holds: the same block decodes.
    const early = clientStream(settings(), headers(1, C3[0]!), headers(3, C3[1]!), ack);
    expect(decodeConnectionHeaders(records(early, []), srv).client.stopped).toBeUndefined();
  });

  it('a client stream without the preface is not HTTP/2; a frame cut by the capture’s end is left out', () => {
    const noPreface = records(serializeFrame(headers(1, C3[0]!)).slice(), []);
    const d = decodeConnectionHeaders([{ streamOffset: 0, bytes: new Uint8Array(30) }, ...noPreface], server);
    expect(d.client.stopped?.code).toBe('no-preface');
    const cut = clientStream(settings(), headers(1, C3[0]!), headers(3, C3[1]!));
    const partial = decodeConnectionHeaders(records(cut.subarray(0, cut.length - 3), []), server).client;
    expect(partial.blocks.map((b) => b.streamId)).toEqual([1]);
    expect(partial.stopped).toBeUndefined();
  });
});

describe('decodeConnectionHeaders on hostile input', () => {
  it('never throws on mutated streams, and stops or decodes within its caps', () => {
    const valid = clientStream(settings(), ack, headers(1, C4[0]!), headers(3, C4[1]!), headers(5, C4[2]!));
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    let stopped = 0;
    for (let i = 0; i < 500; i++) {
      const bytes = valid.slice();
      for (let k = 1 + rand(4); k > 0; k--) bytes[24 + rand(bytes.length - 24)] = rand(256);
      const cuts = [rand(bytes.length), rand(bytes.length)].sort((a, b) => a - b);
      const d = decodeConnectionHeaders(records(bytes, cuts), server).client;
      expect(d.blocks.length).toBeLessThanOrEqual(3);
      if (d.stopped) stopped++;
      for (const b of d.blocks) expect(b.tableSize).toBeLessThanOrEqual(b.tableMaxSize);
    }
    // Most mutations land in a block or a frame header and stop the direction with a reason.
    expect(stopped).toBeGreaterThan(100);
  });
});
