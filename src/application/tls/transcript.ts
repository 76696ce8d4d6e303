/**
 * The handshake transcript (RFC 8446 §4.4.1, RFC 5246 §7.4.9): every handshake message in
 * order, hashed with the suite's hash. The hash is not known until the ServerHello picks a
 * suite, and TLS 1.2 client authentication signs the raw messages, so the bytes are kept
 * (bounded by `MAX_TRANSCRIPT`) and hashes are computed incrementally per algorithm.
 *
 * After a HelloRetryRequest the first ClientHello is replaced by a synthetic message_hash
 * message holding its hash (§4.4.1).
 */
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { HandshakeType } from './code-points.ts';
import { concatBytes } from '../../bytes/concat.ts';

export type TranscriptHash = 'sha256' | 'sha384';

/** Largest transcript kept (a full handshake with long chains is well below 100 KiB). */
export const MAX_TRANSCRIPT = 512 * 1024;

const HASHES = { sha256, sha384 } as const;

export function hashBytes(alg: TranscriptHash, data: Uint8Array): Uint8Array {
  return HASHES[alg](data);
}

export function hashLength(alg: TranscriptHash): number {
  return HASHES[alg].outputLen;
}

type Hasher = ReturnType<typeof sha256.create>;

export class Transcript {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private readonly hashers = new Map<TranscriptHash, Hasher>();

  get length(): number {
    return this.size;
  }

  /** Appends one message (header and body). Returns false when the limit would be passed. */
  add(message: Uint8Array): boolean {
    if (this.size + message.length > MAX_TRANSCRIPT) return false;
    const copy = message.slice();
    this.chunks.push(copy);
    this.size += copy.length;
    for (const h of this.hashers.values()) h.update(copy);
    return true;
  }

  /** Hash of everything so far. */
  hash(alg: TranscriptHash): Uint8Array {
    let h = this.hashers.get(alg);
    if (!h) {
      h = HASHES[alg].create() as Hasher;
      for (const c of this.chunks) h.update(c);
      this.hashers.set(alg, h);
    }
    return h.clone().digest();
  }

  /** All messages concatenated (what a TLS 1.2 CertificateVerify signs). */
  bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }

  /** Replaces the transcript (one ClientHello) by message_hash(Hash(ClientHello1)) (§4.4.1). */
  replaceWithMessageHash(alg: TranscriptHash): void {
    if (this.chunks.length !== 1)
      throw new NetlabError('tls-internal', 'message_hash needs exactly ClientHello1');
    const digest = this.hash(alg);
    const synthetic = new Uint8Array(4 + digest.length);
    synthetic[0] = HandshakeType.MessageHash;
    synthetic[3] = digest.length;
    synthetic.set(digest, 4);
    this.chunks = [];
    this.size = 0;
    this.hashers.clear();
    this.add(synthetic);
  }

  /** Drops the raw bytes once they are no longer needed (the hashes go on). */
  forgetBytes(): void {
    for (const alg of ['sha256', 'sha384'] as const) if (!this.hashers.has(alg)) this.hash(alg);
    this.chunks = [];
  }
}
