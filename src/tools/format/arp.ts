/**
 * The text of net-tools `arp` (2.10, Debian/Ubuntu's `arp`), as pure functions of the ARP
 * cache: `arp -a` (BSD style, arp_disp) and plain `arp` / `arp -n` (the table,
 * print_entry). Lines are returned without their '\n'.
 *
 *   ? (10.0.0.1) at 02:00:00:00:00:01 [ether] on eth0
 *   ? (10.0.0.9) at <incomplete> on eth0
 *
 *   Address                  HWtype  HWaddress           Flags Mask            Iface
 *   10.0.0.1                 ether   02:00:00:00:00:01   C                     eth0
 *   10.0.0.9                         (incomplete)                              eth0
 *
 * Left out: proxy ARP ("PUB", `<from_interface>`), netmask entries, other hardware types.
 */

export interface ArpEntry {
  readonly address: string;
  /** Reverse-DNS name; printed as `name (address)` unless numeric. */
  readonly name?: string;
  /** Lower-case `aa:bb:cc:dd:ee:ff`; absent while the entry is incomplete (resolving or failed). */
  readonly mac?: string;
  readonly device: string;
  /** A static entry (`arp -s`): flag M, and PERM in -a output. */
  readonly permanent?: boolean;
}

export interface ArpFormatOptions {
  /** -n: no names. */
  readonly numeric?: boolean;
}

/** `arp -a`: one line per entry, nothing when the cache is empty. */
export function arpAllLines(entries: readonly ArpEntry[], opts: ArpFormatOptions = {}): string[] {
  return entries.map((e) => {
    const name = opts.numeric || e.name === undefined ? '?' : e.name;
    let line = `${name} (${e.address}) at `;
    line += e.mac === undefined ? '<incomplete> ' : `${e.mac} [ether] `;
    if (e.permanent) line += 'PERM ';
    return `${line}on ${e.device}`;
  });
}

export const ARP_TABLE_HEADER =
  'Address                  HWtype  HWaddress           Flags Mask            Iface';

/** `arp` and `arp -n`: the header and one row per entry; nothing when the cache is empty. */
export function arpTableLines(entries: readonly ArpEntry[], opts: ArpFormatOptions = {}): string[] {
  if (entries.length === 0) return [];
  const rows = entries.map((e) => {
    const name = opts.numeric || e.name === undefined ? e.address : e.name;
    const flags = (e.mac === undefined ? '' : 'C') + (e.permanent ? 'M' : '');
    const hw =
      e.mac === undefined ? `${pad('', 8)}${pad('(incomplete)', 20)}` : `${pad('ether', 8)}${pad(e.mac, 20)}`;
    return `${pad(name, 23)}  ${hw}${pad(flags, 6)}${pad('', 15)} ${e.device}`;
  });
  return [ARP_TABLE_HEADER, ...rows];
}

/** printf's `%-N.Ns`: left-aligned, cut to N. */
function pad(text: string, width: number): string {
  return text.slice(0, width).padEnd(width);
}
