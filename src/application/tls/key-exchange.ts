/**
 * (EC)DHE key shares for the named groups netlab implements (RFC 8446 §4.2.8.2, §7.4.2;
 * RFC 8422 §5.11): x25519 (RFC 7748) and the NIST curves secp256r1, secp384r1, secp521r1
 * (uncompressed points only), via @noble/curves. Private keys come from the injected
 * random source.
 *
 * The peer's share is validated: wrong length, a point off the curve or the point at
 * infinity, and an all-zero X25519 result (a small-order point, RFC 7748 §6.1) are all
 * `illegal_parameter`.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { ProtocolError } from '../../bytes/protocol-error.ts';
import type { RandomSource } from '../pki/random-source.ts';
import { NAMED_GROUPS } from './code-points.ts';
import { tlsError } from './record.ts';

export type KeyExchangeGroup = 'x25519' | 'secp256r1' | 'secp384r1' | 'secp521r1';

export const IMPLEMENTED_GROUPS: readonly KeyExchangeGroup[] = [
  'x25519',
  'secp256r1',
  'secp384r1',
  'secp521r1',
];

export function groupCode(g: KeyExchangeGroup): number {
  return NAMED_GROUPS[g];
}

export function implementedGroup(code: number): KeyExchangeGroup | undefined {
  return IMPLEMENTED_GROUPS.find((g) => NAMED_GROUPS[g] === code);
}

export interface KeyShare {
  readonly group: KeyExchangeGroup;
  readonly code: number;
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

const NIST = { secp256r1: p256, secp384r1: p384, secp521r1: p521 } as const;

export function generateKeyShare(group: KeyExchangeGroup, random: RandomSource): KeyShare {
  if (group === 'x25519') {
    const privateKey = random(32);
    return { group, code: NAMED_GROUPS[group], privateKey, publicKey: x25519.getPublicKey(privateKey) };
  }
  const curve = NIST[group];
  const privateKey = curve.utils.randomSecretKey(random(curve.lengths.seed!));
  return { group, code: NAMED_GROUPS[group], privateKey, publicKey: curve.getPublicKey(privateKey, false) };
}

/** A share from a known private key (tests reproducing published traces). */
export function keyShareFromPrivate(group: KeyExchangeGroup, privateKey: Uint8Array): KeyShare {
  const publicKey =
    group === 'x25519' ? x25519.getPublicKey(privateKey) : NIST[group].getPublicKey(privateKey, false);
  return { group, code: NAMED_GROUPS[group], privateKey, publicKey };
}

/** The shared secret with the peer's public share (X25519 output, or the ECDH x-coordinate). */
export function sharedSecret(share: KeyShare, peerPublic: Uint8Array): Uint8Array | ProtocolError {
  try {
    if (share.group === 'x25519') {
      if (peerPublic.length !== 32) return tlsError('illegal_parameter', 'x25519 share must be 32 bytes');
      const s = x25519.getSharedSecret(share.privateKey, peerPublic);
      if (s.every((b) => b === 0)) return tlsError('illegal_parameter', 'x25519 shared secret is zero');
      return s;
    }
    const curve = NIST[share.group];
    if (peerPublic.length !== curve.lengths.publicKeyUncompressed || peerPublic[0] !== 4) {
      return tlsError('illegal_parameter', `${share.group} share must be an uncompressed point`);
    }
    return curve.getSharedSecret(share.privateKey, peerPublic, true).subarray(1);
  } catch {
    return tlsError('illegal_parameter', `${share.group} share is not a valid public key`);
  }
}
