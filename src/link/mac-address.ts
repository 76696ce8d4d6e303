/**
 * 48-bit IEEE 802 MAC addresses, held as plain numbers (exact below 2^53) so they are
 * cheap to compare and to use as Map keys on the per-frame path.
 */
export type MacAddress = number;

export const BROADCAST_MAC: MacAddress = 0xffff_ffff_ffff;
const TWO32 = 0x1_0000_0000;

/** Reads a MAC address from 6 bytes at `offset`. */
export function readMac(bytes: Uint8Array, offset: number): MacAddress {
  return (
    ((bytes[offset]! << 8) | bytes[offset + 1]!) * TWO32 +
    ((bytes[offset + 2]! << 24) >>> 0) +
    ((bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!)
  );
}

/** Writes a MAC address as 6 bytes at `offset`. */
export function writeMac(bytes: Uint8Array, offset: number, mac: MacAddress): void {
  const hi = Math.floor(mac / TWO32);
  const lo = mac >>> 0;
  bytes[offset] = hi >>> 8;
  bytes[offset + 1] = hi & 0xff;
  bytes[offset + 2] = lo >>> 24;
  bytes[offset + 3] = (lo >>> 16) & 0xff;
  bytes[offset + 4] = (lo >>> 8) & 0xff;
  bytes[offset + 5] = lo & 0xff;
}

/** Group (multicast or broadcast) addresses have the I/G bit, the low bit of the first octet, set. */
export function isGroupMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 1) === 1;
}

/** `aa:bb:cc:dd:ee:ff`, lower case, as `ip link` and `arp` print it. */
export function formatMac(mac: MacAddress): string {
  const b = new Uint8Array(6);
  writeMac(b, 0, mac);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Parses `aa:bb:cc:dd:ee:ff` or `aa-bb-...`; undefined when malformed. */
export function parseMac(text: string): MacAddress | undefined {
  const m =
    /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const b = Uint8Array.from([m[1], m[3], m[4], m[5], m[6], m[7]], (h) => Number.parseInt(h!, 16));
  return readMac(b, 0);
}

/**
 * The n-th locally administered unicast address netlab hands out: `02:00:00:xx:xx:xx`
 * (the U/L bit set, I/G clear, RFC 7042 §2.1), so simulated NICs never look like a real vendor's.
 */
export function localMac(n: number): MacAddress {
  return 0x02_00_00_00_00_00 + (n & 0xffffff) + Math.floor(n / 0x1000000) * 0x1000000;
}
