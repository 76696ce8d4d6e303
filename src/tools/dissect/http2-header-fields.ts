/**
 * A decoded HTTP/2 header block (http2-headers/) as the inspector's fields, the way
 * Wireshark lists it with the keys: one `Header: :path: /style.css` per field, with its
 * name and value, the representation (RFC 7541 §6) and the index it names (§2.3.3), and
 * the strings' encoding (raw or Huffman, §5.2); then what compression did — the block's
 * encoded octets against the octets of the names and values it stands for (HTTP/1.1 sends
 * those in full, every request) — and the dynamic table after the block.
 *
 * Offsets are in the bytes the frame is read in (a decrypted record, or a cleartext
 * segment's payload in its frame): where a field's encoding is in them, its field marks
 * those bytes; the parts of a block elsewhere (a frame cut by the record's or segment's
 * end, a CONTINUATION in a later one) have no bytes here.
 */
import { reasonPhrase } from '../../application/http/message.ts';
import type { DecodedHeaderBlock, DirectionHeaders } from './http2-headers/decode.ts';
import { blockRangeInRecord } from './http2-headers/decode.ts';
import { representationName } from './http2-headers/representations.ts';
import { type Field, field } from './types.ts';

/**
 * The header blocks of the direction some HTTP/2 bytes belong to, and where those bytes
 * are: a decrypted record (its own data source, from offset 0) or a cleartext segment's
 * TCP payload (in the frame, from the payload's offset).
 */
export interface HeaderBlockContext {
  readonly headers: DirectionHeaders;
  /** Where the bytes start in the direction's HTTP/2 byte stream (undefined: not in it, after a stop). */
  readonly streamStart: number | undefined;
  /** Where they start in the bytes the dissector reads (0 for a record, the payload's offset in a frame). */
  readonly at: number;
  readonly length: number;
}

/** The block whose frame starts at `offset` in the bytes read, with where they start in the stream. */
export function blockAt(
  ctx: HeaderBlockContext,
  offset: number,
): { block: DecodedHeaderBlock; recordStart: number } | undefined {
  const recordStart = ctx.streamStart;
  if (recordStart === undefined) return undefined;
  const block = ctx.headers.byFrame.get(recordStart + offset - ctx.at);
  return block === undefined ? undefined : { block, recordStart };
}

/**
 * The header fields of the blocks whose HEADERS or PUSH_PROMISE frames start at `offsets`
 * in the record, in order: what the display filter's `http2.header.*` fields match.
 */
export function decodedHeaders(
  ctx: HeaderBlockContext,
  offsets: readonly number[],
): { readonly name: string; readonly value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const o of offsets) {
    const got = blockAt(ctx, o);
    if (got) for (const f of got.block.fields) out.push({ name: f.name, value: f.value });
  }
  return out;
}

/** Wireshark's Info suffix for a request or response block: `GET /style.css`, `200 OK`. */
export function headerInfo(block: DecodedHeaderBlock): string | undefined {
  const get = (name: string) => block.fields.find((f) => f.name === name)?.value;
  const status = get(':status');
  if (status !== undefined) {
    const phrase = reasonPhrase(Number(status));
    return phrase ? `${status} ${phrase}` : status;
  }
  const method = get(':method');
  const path = get(':path');
  if (method === undefined) return undefined;
  return path === undefined ? method : `${method} ${path}`;
}

function encoding(s: { huffman: boolean; length: number }, decoded: number): string {
  return s.huffman ? `Huffman, ${s.length} bytes for ${decoded}` : `raw, ${s.length} bytes`;
}

/**
 * The fields of the block whose HEADERS or PUSH_PROMISE frame starts at `frameOffset` in
 * the record (none when the block is not known: the direction stopped before it, or the
 * connection was not decoded); a block that failed shows why.
 */
export function headerBlockFields(ctx: HeaderBlockContext, frameOffset: number): Field[] {
  const got = blockAt(ctx, frameOffset);
  if (got === undefined) {
    const stop = ctx.headers.stopped;
    const start = ctx.streamStart;
    if (stop?.offset !== undefined && start !== undefined && start + frameOffset - ctx.at > stop.offset)
      return [
        field('[Header block not decoded]', `decoding stopped at an earlier block: ${stop.message}`, 0, 0),
      ];
    return [];
  }
  const { block, recordStart } = got;
  const where = (from: number, to: number) => {
    const r = blockRangeInRecord(block, from, to, recordStart, ctx.length);
    return r === undefined ? { offset: 0, length: 0 } : { offset: ctx.at + r.offset, length: r.length };
  };
  const whole = where(0, block.blockLength);
  if (block.error !== undefined && block.error.code !== 'header-list-too-large')
    return [
      field(
        '[Header block not decoded]',
        `COMPRESSION_ERROR: ${block.error.code} (${block.error.message}); decoding of this direction stops here`,
        whole.offset,
        whole.length,
      ),
    ];
  const out: Field[] = [];
  const saved = block.headerOctets > 0 ? Math.round((1 - block.blockLength / block.headerOctets) * 100) : 0;
  out.push(
    field(
      '[Header block]',
      `${block.blockLength} bytes for ${block.headerOctets} bytes of headers${block.headerOctets > 0 ? ` (${saved}% saved)` : ''}`,
      whole.offset,
      whole.length,
    ),
    field('[Header Count]', block.fields.length, 0, 0),
  );
  for (const u of block.sizeUpdates) {
    const r = where(u.offset, u.offset + u.length);
    out.push(field('Header table size update', `Size: ${u.size}`, r.offset, r.length));
  }
  for (const f of block.fields) {
    const r = where(f.offset, f.offset + f.length);
    const children: Field[] = [];
    const n = f.nameLiteral;
    const v = f.valueLiteral;
    const nr = n && v ? where(n.offset, v.offset) : r;
    const vr = v ? where(v.offset, f.offset + f.length) : r;
    children.push(
      field('Name Length', f.name.length, nr.offset, nr.length),
      field('Name', f.name, nr.offset, nr.length),
      field('Value Length', f.value.length, vr.offset, vr.length),
      field('Value', f.value, vr.offset, vr.length),
      field('Representation', representationName(f), r.offset, r.length),
    );
    if (f.index > 0)
      children.push(
        field('Index', `${f.index} (${f.index <= 61 ? 'static' : 'dynamic'} table)`, r.offset, 1),
      );
    if (n) children.push(field('[Name encoding]', encoding(n, f.name.length), nr.offset, nr.length));
    if (v) children.push(field('[Value encoding]', encoding(v, f.value.length), vr.offset, vr.length));
    out.push(field('Header', `${f.name}: ${f.value}`, r.offset, r.length, children));
  }
  if (block.error !== undefined)
    out.push(field('[Header list too large]', block.error.message, whole.offset, whole.length));
  out.push(
    field(
      '[Dynamic table after this block]',
      `${block.tableEntries} entries, ${block.tableSize} of ${block.tableMaxSize} bytes`,
      0,
      0,
    ),
  );
  return out;
}
