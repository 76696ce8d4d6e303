/**
 * HPACK, header compression for HTTP/2 (RFC 7541). What is here and what is not: see
 * README.md in this folder.
 */
export { DEFAULT_HEADER_TABLE_SIZE, HpackDecoder, type HpackDecoderOptions } from './decoder.ts';
export { DynamicTable } from './dynamic-table.ts';
export {
  HpackEncoder,
  type HpackEncoderOptions,
  type HuffmanMode,
  type IndexingStrategy,
} from './encoder.ts';
export { ENTRY_OVERHEAD, fieldSize, type HeaderField } from './header-field.ts';
export { type HpackErrorCode, hpackError, isRecoverableHpackError } from './hpack-error.ts';
export { huffmanEncode, huffmanEncodedLength } from './huffman.ts';
export { STATIC_TABLE } from './static-table.ts';
