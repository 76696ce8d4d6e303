/**
 * Our HPACK decoding of examples/http2.yaml's HTTP/2 connections (the web lab's inspector,
 * src/tools/dissect/http2-headers/) against the real tshark's, frame by frame: the run's
 * capture and key log, as the web lab downloads them, and `tshark -o tls.keylog_file:...`
 * must give every frame the same header names, values, representations and indexes.
 *
 * The capture holds each frame once per link it crossed (laptop–lan and lan–www). tshark
 * reads the second copy of a segment as a retransmission of the first and decodes nothing
 * in it; we read each link's copy as a capture on that link would hold it, and decode both.
 * So the comparison is over the frames where both decode headers, which must be every frame
 * where tshark does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import type { Field } from '../../src/tools/dissect/index.ts';
import { LabEngine } from '../../web/src/engine/lab-engine.ts';
import { exampleSpec } from '../scenarios/run-example.ts';
import { hasTshark, tsharkFields, warnIfNoTshark } from './tshark-helpers.ts';

warnIfNoTshark('test/interop/http2-hpack.test.ts');

const COLUMNS = [
  'frame.number',
  'http2.header.name',
  'http2.header.value',
  'http2.header.repr',
  'http2.header.index',
];

/** The decoded `Header` fields of a frame's HTTP/2 layers, in order. */
function headerFields(layers: readonly { protocol: string; fields: readonly Field[] }[]): Field[] {
  return layers
    .filter((l) => l.protocol === 'HTTP2')
    .flatMap((l) => l.fields)
    .flatMap((s) => (s.children ?? []).filter((f) => f.name === 'Header'));
}

const child = (f: Field, name: string) => f.children?.find((c) => c.name === name)?.value;

describe.skipIf(!hasTshark())('HPACK: our decoded HTTP/2 headers and tshark’s, frame by frame', async () => {
  const e = new LabEngine(exampleSpec('http2'));
  await e.advanceTo(e.duration);
  const dir = mkdtempSync(join(tmpdir(), 'netlab-hpack-'));
  const pcapPath = join(dir, 'http2.pcap');
  const keylogPath = join(dir, 'http2.keylog');
  writeFileSync(pcapPath, concatBytes(e.pcapChunks()));
  writeFileSync(keylogPath, e.tls.keyLogText());

  it('decodes the same header lists, with the same representations and indexes', () => {
    const theirs = tsharkFields(pcapPath, COLUMNS, 'http2.header', ['-o', `tls.keylog_file:${keylogPath}`]);
    // The first copy of each: 6 frames with requests, 10 with responses (one with the promises).
    expect(theirs).toHaveLength(16);
    let fields = 0;
    for (const [n, names, values, reprs, indexes] of theirs) {
      const got = headerFields(e.inspect(Number(n) - 1).layers);
      fields += got.length;
      const name = got.map((f) => child(f, 'Name')).join(',');
      const value = got.map((f) => child(f, 'Value')).join(',');
      const repr = got.map((f) => child(f, 'Representation')).join(',');
      // tshark names no index for a literal with a new name; ours is 0, and not shown.
      const index = got
        .map((f) => child(f, 'Index')?.replace(/ \(.*\)$/, ''))
        .filter((x) => x !== undefined)
        .join(',');
      expect([n, name, value, repr, index], `frame ${n}`).toEqual([n, names, values, reprs, indexes]);
    }
    // Two page loads over HTTP/2: 54 requests, 54 responses, 2 promises, on the links tshark follows.
    expect(fields).toBeGreaterThan(500);
  });
});
