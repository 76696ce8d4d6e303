/**
 * HTTP/2 header blocks decoded per connection (HPACK, RFC 7541), for the packet
 * inspector: decode.ts walks the connection, representations.ts reads how each field was
 * encoded, plain-stream.ts joins the records' plaintext. Environment-neutral.
 */
export {
  type BlockPiece,
  blockRangeInRecord,
  type ConnectionHeaders,
  type DecodedField,
  type DecodedHeaderBlock,
  type DirectionHeaders,
  decodeConnectionHeaders,
  MAX_FRAMES,
  MAX_HEADER_BLOCK_BYTES,
  MAX_HEADER_BLOCKS,
} from './decode.ts';
export type { PlainRecord } from './plain-stream.ts';
export {
  type BlockLayout,
  blockLayout,
  type EncodedString,
  type FieldEncoding,
  type HeaderRepresentation,
  representationName,
  type SizeUpdate,
} from './representations.ts';
