import { describe, expect, it } from 'vitest';
import type { Frame } from '../../application/http2/frame.ts';
import { serializeFrame } from '../../application/http2/frame-codec.ts';
import { CLIENT_PREFACE } from '../../application/http2/preface.ts';
import { concatBytes } from '../../bytes/concat.ts';
import { fromHex } from '../../bytes/hex.ts';
import { DissectionBuilder } from './builder.ts';
import { decodeHttp2, dissectHttp2 } from './http2.ts';
import { decodeConnectionHeaders } from './http2-headers/decode.ts';
import type { Field } from './types.ts';

const headers = (streamId: number, hex: string): Frame => ({
  type: 'HEADERS',
  streamId,
  endStream: true,
  endHeaders: true,
  fragment: fromHex(hex),
});

function lines(fields: readonly Field[], depth = 0): string[] {
  return fields.flatMap((f) => [
    `${'  '.repeat(depth)}${f.name}: ${f.value}`,
    ...lines(f.children ?? [], depth + 1),
  ]);
}

const settings: Frame = { type: 'SETTINGS', ack: false, settings: [] };

/**
 * One record holding the whole client stream (the preface, an empty SETTINGS, `frames`),
 * dissected with the connection's blocks.
 */
function dissectClient(...frames: Frame[]) {
  const bytes = concatBytes([CLIENT_PREFACE, ...[settings, ...frames].map(serializeFrame)]);
  const h = decodeConnectionHeaders([{ streamOffset: 500, bytes }], []);
  const b = new DissectionBuilder(bytes);
  dissectHttp2(b, 0, bytes.length, decodeHttp2(bytes, 0, bytes.length)!, {
    headers: h.client,
    streamStart: h.client.recordStarts.get(500),
    at: 0,
    length: bytes.length,
  });
  return { bytes, layer: b.layers[0]!, info: b.info };
}

describe('the inspector’s decoded header blocks', () => {
  it('names each field with its representation, and marks its encoded bytes', () => {
    // RFC 7541 C.4.1 then C.4.3 (C.4.3's :authority is index 62 here: C.4.2 is not sent).
    const { bytes, layer, info } = dissectClient(
      headers(1, '828684418cf1e3c2e5f23a6ba0ab90f4ff'),
      headers(3, '828785be408825a849e95ba97d7f8925a849e95bb8e8b4bf'),
    );
    expect(info).toBe('Magic, SETTINGS[0], HEADERS[1]: GET /, HEADERS[3]: GET /index.html');
    const second = layer.fields[3]!;
    expect(second.value).toBe('HEADERS, Stream ID: 3, Length 24, GET /index.html');
    expect(lines(second.children!.slice(6))).toEqual([
      '[Header block]: 24 bytes for 85 bytes of headers (72% saved)',
      '[Header Count]: 5',
      'Header: :method: GET',
      '  Name Length: 7',
      '  Name: :method',
      '  Value Length: 3',
      '  Value: GET',
      '  Representation: Indexed Header Field',
      '  Index: 2 (static table)',
      'Header: :scheme: https',
      '  Name Length: 7',
      '  Name: :scheme',
      '  Value Length: 5',
      '  Value: https',
      '  Representation: Indexed Header Field',
      '  Index: 7 (static table)',
      'Header: :path: /index.html',
      '  Name Length: 5',
      '  Name: :path',
      '  Value Length: 11',
      '  Value: /index.html',
      '  Representation: Indexed Header Field',
      '  Index: 5 (static table)',
      'Header: :authority: www.example.com',
      '  Name Length: 10',
      '  Name: :authority',
      '  Value Length: 15',
      '  Value: www.example.com',
      '  Representation: Indexed Header Field',
      '  Index: 62 (dynamic table)',
      'Header: custom-key: custom-value',
      '  Name Length: 10',
      '  Name: custom-key',
      '  Value Length: 12',
      '  Value: custom-value',
      '  Representation: Literal Header Field with Incremental Indexing - New Name',
      '  [Name encoding]: Huffman, 8 bytes for 10',
      '  [Value encoding]: Huffman, 9 bytes for 12',
      '[Dynamic table after this block]: 2 entries, 111 of 4096 bytes',
    ]);
    const custom = second.children!.find((f) => f.value === 'custom-key: custom-value')!;
    expect(
      Array.from(bytes.subarray(custom.offset, custom.offset + custom.length), (x) => x.toString(16)),
    ).toEqual('40 88 25 a8 49 e9 5b a9 7d 7f 89 25 a8 49 e9 5b b8 e8 b4 bf'.split(' '));
    const name = custom.children!.find((f) => f.name === 'Name')!;
    expect([name.offset - custom.offset, name.length]).toEqual([1, 9]);
  });

  it('a block that fails says why, and the blocks after it say decoding stopped', () => {
    const { layer, info } = dissectClient(headers(1, '8286c6'), headers(3, '828684'));
    expect(info).toBe('Magic, SETTINGS[0], HEADERS[1], HEADERS[3]');
    expect(lines(layer.fields[2]!.children!.slice(6))).toEqual([
      '[Header block not decoded]: COMPRESSION_ERROR: bad-index (index 70 is outside the static table and the 0-entry dynamic table); decoding of this direction stops here',
    ]);
    expect(lines(layer.fields[3]!.children!.slice(6))).toEqual([
      '[Header block not decoded]: decoding stopped at an earlier block: index 70 is outside the static table and the 0-entry dynamic table',
    ]);
  });
});
