/**
 * IPv4 addresses and prefixes (RFC 791 §2.3, RFC 4632 CIDR notation, RFC 1918 private
 * ranges, RFC 1122 §3.2.1.3 special addresses, RFC 3021 §2 /31 links).
 *
 * An address is a plain uint32 number (always normalised with `>>> 0`), so it is cheap to
 * compare and to use as a Map key on the per-packet path. A prefix keeps the interface
 * address as written (`10.0.0.1/24` keeps `.1`); `networkOf` gives the network number.
 *
 * Left out: the historic shorthand forms `inet_aton` accepts (`10.1`, `0x0a.0.0.1`,
 * octal `010.0.0.1`): they are rejected, because their meaning surprises people.
 */
import { NetlabError } from '../bytes/netlab-error.ts';

export type Ipv4Address = number;

/** An address with a prefix length, e.g. an interface's `10.0.0.1/24`. */
export interface Ipv4Prefix {
  /** The address as written (not masked). */
  readonly address: Ipv4Address;
  /** Prefix length, 0..32. */
  readonly length: number;
}

export const IPV4_ANY: Ipv4Address = 0;
export const IPV4_LIMITED_BROADCAST: Ipv4Address = 0xffff_ffff;

const OCTET = '(0|[1-9][0-9]{0,2})';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/**
 * Parses a strict dotted quad: four decimal octets 0..255 without leading zeros (so
 * `010.0.0.1` is rejected rather than read as octal or decimal). Surrounding white space
 * is ignored. Undefined when malformed.
 */
export function parseIpv4Address(text: string): Ipv4Address | undefined {
  const m = DOTTED_QUAD.exec(text.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n >>> 0;
}

/** `a.b.c.d`. */
export function formatIpv4Address(addr: Ipv4Address): string {
  const n = addr >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/**
 * Parses `a.b.c.d/len` (len 0..32, decimal without leading zeros); a bare address is a /32.
 * Undefined when malformed.
 */
export function parseIpv4Prefix(text: string): Ipv4Prefix | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) {
    const address = parseIpv4Address(t);
    return address === undefined ? undefined : { address, length: 32 };
  }
  const address = parseIpv4Address(t.slice(0, slash));
  const lenText = t.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9][0-9]?)$/.test(lenText)) return undefined;
  const length = Number(lenText);
  return length > 32 ? undefined : { address, length };
}

/** `a.b.c.d/len`, the address as written. */
export function formatIpv4Prefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4Address(prefix.address)}/${prefix.length}`;
}

/** The netmask for a prefix length: 24 -> 255.255.255.0. Throws for a length outside 0..32. */
export function prefixMask(length: number): number {
  if (!Number.isInteger(length) || length < 0 || length > 32) {
    throw new NetlabError('bad-prefix', `prefix length must be an integer in 0..32, got ${length}`);
  }
  // A shift count of 32 is taken mod 32 in JS, so /0 needs its own case.
  return length === 0 ? 0 : (0xffff_ffff << (32 - length)) >>> 0;
}

/** The network number: the address with the host bits cleared. */
export function networkOf(prefix: Ipv4Prefix): Ipv4Address {
  return (prefix.address & prefixMask(prefix.length)) >>> 0;
}

/** Whether `addr` is inside the prefix's network. */
export function prefixContains(prefix: Ipv4Prefix, addr: Ipv4Address): boolean {
  return ((prefix.address ^ addr) & prefixMask(prefix.length)) === 0;
}

/**
 * The directed broadcast address (all host bits set, RFC 919 / RFC 1122 §3.2.1.3). A /31
 * (RFC 3021 §2) or /32 has no directed broadcast: for those this returns the limited
 * broadcast 255.255.255.255, which is what such a link uses.
 */
export function broadcastOf(prefix: Ipv4Prefix): Ipv4Address {
  if (prefix.length >= 31) return IPV4_LIMITED_BROADCAST;
  return (prefix.address | ~prefixMask(prefix.length)) >>> 0;
}

/** 255.255.255.255 (RFC 919, RFC 1122 §3.2.1.3 (c)). */
export function isLimitedBroadcast(addr: Ipv4Address): boolean {
  return addr >>> 0 === IPV4_LIMITED_BROADCAST;
}

/** 224.0.0.0/4, class D (RFC 1112 §4). */
export function isMulticast(addr: Ipv4Address): boolean {
  return addr >>> 28 === 0xe;
}

/** 10/8, 172.16/12, 192.168/16 (RFC 1918 §3). */
export function isPrivate(addr: Ipv4Address): boolean {
  const a = addr >>> 0;
  return a >>> 24 === 10 || a >>> 20 === 0xac1 || a >>> 16 === 0xc0a8;
}

/** 127/8 (RFC 1122 §3.2.1.3 (g)). */
export function isLoopback(addr: Ipv4Address): boolean {
  return addr >>> 24 === 127;
}

/** Reads a big-endian address from 4 bytes at `offset`. */
export function readIpv4(bytes: Uint8Array, offset: number): Ipv4Address {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}

/** Writes a big-endian address as 4 bytes at `offset`. */
export function writeIpv4(bytes: Uint8Array, offset: number, addr: Ipv4Address): void {
  bytes[offset] = addr >>> 24;
  bytes[offset + 1] = (addr >>> 16) & 0xff;
  bytes[offset + 2] = (addr >>> 8) & 0xff;
  bytes[offset + 3] = addr & 0xff;
}
