/**
 * TLS decryption with a key log, for the packet inspector: a connection's frames and the
 * run's NSS key log lines → every record with its plaintext, attributed to the frame where
 * it completes (decrypt.ts says how). Environment-neutral: the web lab's worker runs it.
 */
export {
  type DecryptedRecord,
  type Direction,
  decryptTlsConnection,
  MAX_STREAM_BYTES,
  type RecordKeys,
  type TlsDecryption,
} from './decrypt.ts';
export { KeyLog } from './key-log-file.ts';
export { MAX_HELD_SEGMENTS, type Segment, segmentOf, TcpStream } from '../tcp-reassembly/index.ts';
