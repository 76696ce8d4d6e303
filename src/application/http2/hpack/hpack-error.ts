/**
 * The errors an HPACK decoder reports, as `ProtocolError`s of protocol 'hpack' with one
 * of these stable codes. In HTTP/2 every one of them is a connection error of type
 * COMPRESSION_ERROR (RFC 9113 §4.3), because the decoder's dynamic table can no longer
 * be trusted to match the encoder's — with one exception: 'header-list-too-large' is
 * reported only after the whole block was decoded, so the table is still in step and the
 * connection can go on (the server answers 431, RFC 9113 §10.5.1).
 */
import { ProtocolError } from '../../../bytes/protocol-error.ts';

export type HpackErrorCode =
  /** The block ends inside a representation, an integer or a string. */
  | 'truncated'
  /** An integer longer than five continuation octets or above 2^32 - 1 (RFC 7541 §5.1). */
  | 'integer-overflow'
  /** Index 0, or an index beyond the static and dynamic tables (RFC 7541 §2.3.3). */
  | 'bad-index'
  /** The EOS symbol decoded inside a Huffman string (RFC 7541 §5.2). */
  | 'huffman-eos'
  /** Huffman padding longer than 7 bits or not the most significant bits of EOS (§5.2). */
  | 'huffman-padding'
  /** A string literal longer than the decoder's `maxStringLength`. */
  | 'string-too-long'
  /** A dynamic table size update above SETTINGS_HEADER_TABLE_SIZE (RFC 7541 §6.3). */
  | 'size-update-too-large'
  /** A dynamic table size update after a field representation (RFC 7541 §4.2). */
  | 'size-update-not-first'
  /** The limit was lowered, and the next block did not begin with a size update (§4.2). */
  | 'size-update-missing'
  /** More than two size updates at the start of one block (RFC 7541 §4.2 allows two). */
  | 'too-many-size-updates'
  /** The decoded header list exceeds `maxHeaderListSize`; the dynamic table is consistent. */
  | 'header-list-too-large';

export function hpackError(code: HpackErrorCode, message: string, offset?: number): ProtocolError {
  return new ProtocolError('hpack', code, message, offset, 'remote');
}

/** Whether the connection can continue after this decoding error (see the header comment). */
export function isRecoverableHpackError(error: ProtocolError): boolean {
  return error.protocol === 'hpack' && error.code === 'header-list-too-large';
}
