/**
 * The text of iproute2's `ip addr` and `ip link` (IPv4 only), as pure functions of the
 * interfaces:
 *
 *   1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
 *       link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
 *       inet 127.0.0.1/8 scope host lo
 *          valid_lft forever preferred_lft forever
 *   2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
 *       link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff
 *       inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0
 *          valid_lft forever preferred_lft forever
 *
 * Flags and state follow the kernel: an interface that is up without carrier shows
 * NO-CARRIER and state DOWN; one that is administratively down shows neither UP nor
 * LOWER_UP. The default qdisc is pfifo_fast (netlab's queues are drop-tail FIFOs), noop
 * while down, noqueue on loopback. `brd` is printed only when given, as iproute2 does.
 *
 * Left out: IPv6 addresses, `altname`, `link-netnsid`, `dynamic` lifetimes, statistics (-s).
 */

export interface InterfaceAddress {
  readonly address: string;
  readonly prefixLength: number;
  readonly broadcast?: string;
  /** 'global' (default), or 'host' for 127.0.0.0/8, 'link'. */
  readonly scope?: string;
  readonly secondary?: boolean;
}

export interface InterfaceInfo {
  readonly index: number;
  readonly name: string;
  readonly loopback?: boolean;
  /** `ip link set X up`. */
  readonly adminUp: boolean;
  /** A link is attached and up. */
  readonly carrier: boolean;
  readonly mtu: number;
  /** Lower-case `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string;
  readonly qdisc?: string;
  /** Transmit queue length in packets (default 1000). */
  readonly qlen?: number;
  readonly addresses?: readonly InterfaceAddress[];
}

function linkLines(i: InterfaceInfo): string[] {
  const flags: string[] = [];
  let state: string;
  if (i.loopback) {
    flags.push('LOOPBACK');
    if (i.adminUp) flags.push('UP', 'LOWER_UP');
    state = i.adminUp ? 'UNKNOWN' : 'DOWN';
  } else {
    if (i.adminUp && !i.carrier) flags.push('NO-CARRIER');
    flags.push('BROADCAST', 'MULTICAST');
    if (i.adminUp) flags.push('UP');
    if (i.adminUp && i.carrier) flags.push('LOWER_UP');
    state = i.adminUp && i.carrier ? 'UP' : 'DOWN';
  }
  const qdisc = i.qdisc ?? (i.loopback ? 'noqueue' : i.adminUp ? 'pfifo_fast' : 'noop');
  const head = `${i.index}: ${i.name}: <${flags.join(',')}> mtu ${i.mtu} qdisc ${qdisc} state ${state} group default qlen ${i.qlen ?? 1000}`;
  const link = i.loopback
    ? `    link/loopback ${i.mac} brd 00:00:00:00:00:00`
    : `    link/ether ${i.mac} brd ff:ff:ff:ff:ff:ff`;
  return [head, link];
}

/** `ip link`: two lines per interface. */
export function ipLinkLines(interfaces: readonly InterfaceInfo[]): string[] {
  return interfaces.flatMap(linkLines);
}

/** `ip addr`: the link lines plus two lines per IPv4 address. */
export function ipAddrLines(interfaces: readonly InterfaceInfo[]): string[] {
  return interfaces.flatMap((i) => {
    const lines = linkLines(i);
    for (const a of i.addresses ?? []) {
      let line = `    inet ${a.address}/${a.prefixLength}`;
      if (a.broadcast !== undefined) line += ` brd ${a.broadcast}`;
      line += ` scope ${a.scope ?? (i.loopback ? 'host' : 'global')}`;
      if (a.secondary) line += ' secondary';
      lines.push(`${line} ${i.name}`, '       valid_lft forever preferred_lft forever');
    }
    return lines;
  });
}
