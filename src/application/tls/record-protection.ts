/**
 * AEAD record protection (@noble/ciphers does AES-GCM and ChaCha20-Poly1305).
 *
 * TLS 1.3 (RFC 8446 §5.2-5.3): TLSInnerPlaintext = content || type || zero padding; the
 * record says application_data; the nonce is the IV XOR the 64-bit sequence number; the
 * additional data is the record header.
 *
 * TLS 1.2 AES-GCM (RFC 5288 §3): nonce = 4-byte implicit salt || 8-byte explicit part sent
 * in front of the ciphertext (netlab sends the sequence number there, as RFC 5288
 * recommends); ChaCha20-Poly1305 (RFC 7905 §2): nonce = IV XOR sequence number, nothing
 * explicit. Additional data for both: seq_num || type || version || plaintext length
 * (RFC 5246 §6.2.3.3).
 *
 * A record that fails authentication is `bad_record_mac`; one too short to hold a tag is
 * `bad_record_mac` too (RFC 5246 §6.2.3.3 says decode failures of protected records are
 * MAC failures); a plaintext over 2^14 is `record_overflow`; a TLS 1.3 inner plaintext of
 * only zeros is `unexpected_message` (§5.4).
 *
 * Sequence numbers are kept as exact JS numbers: a connection refuses to send or receive
 * more than 2^53 records (it would need rekeying long before, §5.5).
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { AeadName } from './cipher-suites.ts';
import { ContentType } from './code-points.ts';
import {
  MAX_PLAINTEXT,
  RECORD_HEADER_LENGTH,
  type TlsRecord,
  tlsError,
  writeRecordHeader,
} from './record.ts';

const TAG = 16;
const EXPLICIT_NONCE = 8;

export interface OpenedRecord {
  readonly type: number;
  readonly content: Uint8Array;
}

/** One direction's protection: seals outgoing plaintext, opens incoming records. */
export interface RecordProtection {
  readonly protected: boolean;
  /** A complete record carrying `content` of content type `type`. */
  seal(type: number, content: Uint8Array, version: number): Uint8Array;
  open(record: TlsRecord): OpenedRecord | ProtocolError;
  /** Records sealed or opened so far (the next sequence number). */
  readonly sequence: number;
}

export const NULL_PROTECTION: RecordProtection = {
  protected: false,
  sequence: 0,
  seal(type, content, version) {
    const out = new Uint8Array(RECORD_HEADER_LENGTH + content.length);
    writeRecordHeader(out, type, version, content.length);
    out.set(content, RECORD_HEADER_LENGTH);
    return out;
  },
  open(record) {
    if (record.fragment.length > MAX_PLAINTEXT)
      return tlsError('record_overflow', 'plaintext record over 2^14');
    return { type: record.type, content: record.fragment };
  },
};

function aead(name: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  return name === 'CHACHA20-POLY1305' ? chacha20poly1305(key, nonce, aad) : gcm(key, nonce, aad);
}

/** iv XOR the sequence number, big-endian in the last 8 bytes. */
function xorNonce(iv: Uint8Array, seq: number): Uint8Array {
  const nonce = iv.slice();
  let hi = Math.floor(seq / 0x1_0000_0000);
  let lo = seq >>> 0;
  for (let i = 11; i >= 8; i--) {
    nonce[i]! ^= lo & 0xff;
    lo >>>= 8;
  }
  for (let i = 7; i >= 4; i--) {
    nonce[i]! ^= hi & 0xff;
    hi >>>= 8;
  }
  return nonce;
}

function seqBytes(seq: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint32(0, Math.floor(seq / 0x1_0000_0000));
  v.setUint32(4, seq >>> 0);
  return b;
}

function checkSequence(seq: number): void {
  if (seq >= Number.MAX_SAFE_INTEGER) throw new RangeError('TLS sequence number exhausted');
}

export class Tls13Protection implements RecordProtection {
  readonly protected = true;
  sequence = 0;

  constructor(
    readonly aeadName: AeadName,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
    /** Zero bytes appended to every record (RFC 8446 §5.4), to hide lengths. Default 0. */
    private readonly padding = 0,
  ) {}

  seal(type: number, content: Uint8Array, _version: number): Uint8Array {
    checkSequence(this.sequence);
    const inner = new Uint8Array(content.length + 1 + this.padding);
    inner.set(content);
    inner[content.length] = type;
    const length = inner.length + TAG;
    const out = new Uint8Array(RECORD_HEADER_LENGTH + length);
    writeRecordHeader(out, ContentType.ApplicationData, 0x0303, length);
    const nonce = xorNonce(this.iv, this.sequence++);
    out.set(
      aead(this.aeadName, this.key, nonce, out.subarray(0, RECORD_HEADER_LENGTH)).encrypt(inner),
      RECORD_HEADER_LENGTH,
    );
    return out;
  }

  open(record: TlsRecord): OpenedRecord | ProtocolError {
    checkSequence(this.sequence);
    if (record.type !== ContentType.ApplicationData) {
      return tlsError('unexpected_message', `protected record of type ${record.type}`);
    }
    if (record.fragment.length < TAG + 1) return tlsError('bad_record_mac', 'protected record too short');
    const nonce = xorNonce(this.iv, this.sequence);
    let inner: Uint8Array;
    try {
      inner = aead(this.aeadName, this.key, nonce, record.header).decrypt(record.fragment);
    } catch {
      return tlsError('bad_record_mac', 'record authentication failed');
    }
    this.sequence++;
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) return tlsError('unexpected_message', 'inner plaintext has no content type');
    if (end > MAX_PLAINTEXT) return tlsError('record_overflow', 'inner plaintext over 2^14');
    return { type: inner[end]!, content: inner.subarray(0, end) };
  }
}

export class Tls12Protection implements RecordProtection {
  readonly protected = true;
  sequence = 0;
  private readonly explicit: boolean;

  constructor(
    readonly aeadName: AeadName,
    private readonly key: Uint8Array,
    /** 4-byte salt (GCM) or 12-byte IV (ChaCha20). */
    private readonly iv: Uint8Array,
  ) {
    this.explicit = aeadName !== 'CHACHA20-POLY1305';
  }

  private nonceFor(seq: number, explicitPart?: Uint8Array): Uint8Array {
    if (!this.explicit) return xorNonce(this.iv, seq);
    const nonce = new Uint8Array(12);
    nonce.set(this.iv);
    nonce.set(explicitPart ?? seqBytes(seq), 4);
    return nonce;
  }

  private aad(seq: number, type: number, version: number, length: number): Uint8Array {
    const a = new Uint8Array(13);
    a.set(seqBytes(seq));
    a[8] = type;
    a[9] = version >> 8;
    a[10] = version & 0xff;
    a[11] = length >> 8;
    a[12] = length & 0xff;
    return a;
  }

  seal(type: number, content: Uint8Array, version: number): Uint8Array {
    checkSequence(this.sequence);
    const seq = this.sequence++;
    const prefix = this.explicit ? EXPLICIT_NONCE : 0;
    const length = prefix + content.length + TAG;
    const out = new Uint8Array(RECORD_HEADER_LENGTH + length);
    writeRecordHeader(out, type, version, length);
    if (this.explicit) out.set(seqBytes(seq), RECORD_HEADER_LENGTH);
    const sealed = aead(
      this.aeadName,
      this.key,
      this.nonceFor(seq),
      this.aad(seq, type, version, content.length),
    ).encrypt(content);
    out.set(sealed, RECORD_HEADER_LENGTH + prefix);
    return out;
  }

  open(record: TlsRecord): OpenedRecord | ProtocolError {
    checkSequence(this.sequence);
    const prefix = this.explicit ? EXPLICIT_NONCE : 0;
    const f = record.fragment;
    if (f.length < prefix + TAG) return tlsError('bad_record_mac', 'protected record too short');
    const plainLength = f.length - prefix - TAG;
    if (plainLength > MAX_PLAINTEXT) return tlsError('record_overflow', 'plaintext over 2^14');
    const seq = this.sequence;
    const nonce = this.nonceFor(seq, this.explicit ? f.subarray(0, EXPLICIT_NONCE) : undefined);
    let content: Uint8Array;
    try {
      content = aead(
        this.aeadName,
        this.key,
        nonce,
        this.aad(seq, record.type, record.version, plainLength),
      ).decrypt(f.subarray(prefix));
    } catch {
      return tlsError('bad_record_mac', 'record authentication failed');
    }
    this.sequence++;
    return { type: record.type, content };
  }
}

export { ProtocolError };
