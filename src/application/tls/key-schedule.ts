/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1-7.3, §4.4.4): HKDF-Extract / HKDF-Expand-Label
 * (RFC 5869 via @noble/hashes), Derive-Secret, the early, handshake and master secrets, the
 * traffic secrets and their keys and IVs, Finished keys, the exporter and resumption
 * secrets, and KeyUpdate's next traffic secret (§7.2).
 *
 * No PSK: the early secret is always HKDF-Extract(0, 0) (full handshakes only).
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { hashBytes, hashLength, type TranscriptHash } from './transcript.ts';

const HASHES = { sha256, sha384 } as const;
const enc = new TextEncoder();

/** HKDF-Expand-Label (§7.1): info = length || "tls13 " + label || context. */
export function hkdfExpandLabel(
  alg: TranscriptHash,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const l = enc.encode(`tls13 ${label}`);
  const info = new Uint8Array(2 + 1 + l.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = l.length;
  info.set(l, 3);
  info[3 + l.length] = context.length;
  info.set(context, 4 + l.length);
  return expand(HASHES[alg], secret, info, length);
}

export function hkdfExtract(alg: TranscriptHash, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return extract(HASHES[alg], ikm, salt);
}

/** Derive-Secret(Secret, Label, Messages) with the transcript hash already computed. */
export function deriveSecret(
  alg: TranscriptHash,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(alg, secret, label, transcriptHash, hashLength(alg));
}

export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** [sender]_write_key and _iv from a traffic secret (§7.3). */
export function trafficKeys(alg: TranscriptHash, secret: Uint8Array, keyLength: number): TrafficKeys {
  return {
    key: hkdfExpandLabel(alg, secret, 'key', new Uint8Array(0), keyLength),
    iv: hkdfExpandLabel(alg, secret, 'iv', new Uint8Array(0), 12),
  };
}

/** application_traffic_secret_N+1 (§7.2). */
export function nextTrafficSecret(alg: TranscriptHash, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(alg, secret, 'traffic upd', new Uint8Array(0), hashLength(alg));
}

/** Finished verify_data (§4.4.4): HMAC(finished_key, transcript hash). */
export function finishedVerifyData(
  alg: TranscriptHash,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  const finishedKey = hkdfExpandLabel(alg, baseKey, 'finished', new Uint8Array(0), hashLength(alg));
  return hmac(HASHES[alg], finishedKey, transcriptHash);
}

export function finishedKey(alg: TranscriptHash, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(alg, baseKey, 'finished', new Uint8Array(0), hashLength(alg));
}

/** The secrets of one full (EC)DHE handshake, in the order they become known. */
export class KeySchedule13 {
  readonly earlySecret: Uint8Array;
  handshakeSecret: Uint8Array | undefined;
  masterSecret: Uint8Array | undefined;
  clientHandshakeTrafficSecret: Uint8Array | undefined;
  serverHandshakeTrafficSecret: Uint8Array | undefined;
  clientApplicationTrafficSecret: Uint8Array | undefined;
  serverApplicationTrafficSecret: Uint8Array | undefined;
  exporterMasterSecret: Uint8Array | undefined;
  resumptionMasterSecret: Uint8Array | undefined;

  constructor(readonly alg: TranscriptHash) {
    const zeros = new Uint8Array(hashLength(alg));
    this.earlySecret = hkdfExtract(alg, new Uint8Array(0), zeros);
  }

  private empty(): Uint8Array {
    return hashBytes(this.alg, new Uint8Array(0));
  }

  /** After ServerHello: the (EC)DHE shared secret and Hash(ClientHello..ServerHello). */
  deriveHandshake(sharedSecret: Uint8Array, helloHash: Uint8Array): void {
    const derived = deriveSecret(this.alg, this.earlySecret, 'derived', this.empty());
    this.handshakeSecret = hkdfExtract(this.alg, derived, sharedSecret);
    this.clientHandshakeTrafficSecret = deriveSecret(
      this.alg,
      this.handshakeSecret,
      'c hs traffic',
      helloHash,
    );
    this.serverHandshakeTrafficSecret = deriveSecret(
      this.alg,
      this.handshakeSecret,
      's hs traffic',
      helloHash,
    );
  }

  /** After the server Finished: Hash(ClientHello..server Finished). */
  deriveApplication(serverFinishedHash: Uint8Array): void {
    const derived = deriveSecret(this.alg, this.handshakeSecret!, 'derived', this.empty());
    this.masterSecret = hkdfExtract(this.alg, derived, new Uint8Array(hashLength(this.alg)));
    this.clientApplicationTrafficSecret = deriveSecret(
      this.alg,
      this.masterSecret,
      'c ap traffic',
      serverFinishedHash,
    );
    this.serverApplicationTrafficSecret = deriveSecret(
      this.alg,
      this.masterSecret,
      's ap traffic',
      serverFinishedHash,
    );
    this.exporterMasterSecret = deriveSecret(this.alg, this.masterSecret, 'exp master', serverFinishedHash);
  }

  /** After the client Finished: Hash(ClientHello..client Finished). */
  deriveResumption(clientFinishedHash: Uint8Array): void {
    this.resumptionMasterSecret = deriveSecret(
      this.alg,
      this.masterSecret!,
      'res master',
      clientFinishedHash,
    );
  }

  /** The PSK a NewSessionTicket's nonce names (§4.6.1). */
  resumptionPsk(nonce: Uint8Array): Uint8Array {
    return hkdfExpandLabel(this.alg, this.resumptionMasterSecret!, 'resumption', nonce, hashLength(this.alg));
  }
}
