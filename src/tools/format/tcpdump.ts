/**
 * tcpdump's one line per packet (tcpdump 4.99, Debian 12), from a dissection:
 *
 *   00:00:01.000123 ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 46
 *   00:00:01.000250 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 4660, seq 1, length 64
 *   00:00:02.000000 IP h1.40000 > h2.http: Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0
 *   00:00:02.000100 IP h2.http > h1.40000: Flags [S.], seq 5000, ack 1001, win 65160, ..., length 0
 *   00:00:02.000200 IP h1.40000 > h2.http: Flags [.], ack 1, win 502, length 0
 *   00:00:03.000000 IP laptop.40000 > resolver.domain: 6879+ A? www.example.com. (33)
 *
 * Rules from tcpdump's print-arp.c, print-icmp.c, print-udp.c and print-tcp.c:
 * - the time is the time of day (simulated time starts at midnight), `%02d:%02d:%02d.%06d`;
 * - without -n, addresses print as host names and well-known ports as service names
 *   (from /etc/services); with -n, numbers;
 * - `-e` adds the MAC addresses, EtherType and frame length; `-v` the IP header fields;
 * - TCP: the first segment of each direction prints absolute sequence numbers, later ones
 *   relative to it (as tcpdump does without -S); `seq` is printed only when the segment
 *   carries data, SYN or FIN; flags are `F S R P U E W .` in that order.
 *
 * Left out: most -v/-vv decodes of upper protocols, IPv6, 802.1Q, link types other than
 * Ethernet.
 */
import { serviceName } from './services.ts';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { formatMac } from '../../link/mac-address.ts';
import type { Decoded, Dissection, TcpOptionView } from '../dissect/index.ts';
import { tcpdumpDnsText } from './tcpdump-dns.ts';

export interface TcpdumpOptions {
  /** -n: numbers, no names. */
  readonly numeric?: boolean;
  /** -e: print the link-level header. */
  readonly ethernet?: boolean;
  /** -v: IP header details. */
  readonly verbose?: boolean;
  /** Host name of an address (the lab's hosts file). */
  readonly hostName?: (address: number) => string | undefined;
}

/** `HH:MM:SS.ffffff` of a simulated time. */
export function tcpdumpTime(timeNs: number): string {
  const us = Math.floor(timeNs / 1000);
  const s = Math.floor(us / 1_000_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600) % 24)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

const TCP_FLAG_CHARS: readonly (readonly [number, string])[] = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
  [0x10, '.'],
];

function tcpOptionText(o: TcpOptionView): string {
  switch (o.kind) {
    case 'nop':
      return 'nop';
    case 'eol':
      return 'eol';
    case 'mss':
      return `mss ${o.value}`;
    case 'wscale':
      return `wscale ${o.value}`;
    case 'sackOK':
      return 'sackOK';
    case 'sack':
      return `sack ${o.blocks.length} ${o.blocks.map(([l, r]) => `{${l}:${r}}`).join('')}`;
    case 'ts':
      return `TS val ${o.value} ecr ${o.echo}`;
    case 'unknown':
      return `opt-${o.type}:`;
  }
}

/** Keeps the per-connection state tcpdump needs (base sequence numbers). */
export class TcpdumpPrinter {
  private readonly bases = new Map<string, number>();

  constructor(private readonly options: TcpdumpOptions = {}) {}

  private host(addr: number): string {
    const text = formatIpv4Address(addr);
    if (this.options.numeric) return text;
    return this.options.hostName?.(addr) ?? text;
  }

  private port(p: number): string {
    if (this.options.numeric) return String(p);
    return serviceName(p);
  }

  /** The whole line for a frame captured at `timeNs`. */
  line(timeNs: number, frame: Uint8Array, d: Dissection): string {
    return `${tcpdumpTime(timeNs)} ${this.body(frame, d)}`;
  }

  private body(frame: Uint8Array, d: Dissection): string {
    const eth = d.layers[0];
    let prefix = '';
    if (this.options.ethernet && eth && frame.length >= 14) {
      const type = (frame[12]! << 8) | frame[13]!;
      const name = type === 0x0800 ? 'IPv4' : type === 0x0806 ? 'ARP' : 'Unknown';
      prefix = `${formatMac(readMac48(frame, 6))} > ${formatMac(readMac48(frame, 0))}, ethertype ${name} (0x${type.toString(16).padStart(4, '0')}), length ${frame.length}: `;
    }
    const second = d.layers[1]?.decoded;
    if (!second) return `${prefix}[|ether]`;
    if (second.kind === 'arp') return prefix + this.arp(second, frame.length - 14);
    if (second.kind !== 'ipv4') return `${prefix}[|ether]`;
    const ip = second;
    const verbose = this.options.verbose ? this.ipDetails(ip) : '';
    const top = d.layers[2]?.decoded;
    const proto = ip.protocol;
    if (!top || ip.fragmentOffset > 0) {
      const frag =
        ip.fragmentOffset > 0 || ip.moreFragments
          ? ` (frag ${ip.id}:${ip.totalLength - 20}@${ip.fragmentOffset}${ip.moreFragments ? '+' : ''})`
          : '';
      return `${prefix}IP ${verbose}${this.host(ip.source)} > ${this.host(ip.destination)}: ip-proto-${proto}${frag}`;
    }
    if (top.kind === 'icmp') {
      return `${prefix}IP ${verbose}${this.host(ip.source)} > ${this.host(ip.destination)}: ${this.icmp(top)}`;
    }
    if (top.kind === 'udp') {
      const dns = d.layers[3];
      const what =
        dns?.protocol !== 'DNS'
          ? `UDP, length ${Math.max(0, top.length - 8)}`
          : dns.decoded?.kind === 'dns'
            ? tcpdumpDnsText(dns.decoded.message, dns.decoded.length, this.options.verbose)
            : '[|domain]';
      return `${prefix}IP ${verbose}${this.host(ip.source)}.${this.port(top.sourcePort)} > ${this.host(ip.destination)}.${this.port(top.destinationPort)}: ${what}`;
    }
    if (top.kind === 'tcp') {
      return `${prefix}IP ${verbose}${this.host(ip.source)}.${this.port(top.sourcePort)} > ${this.host(ip.destination)}.${this.port(top.destinationPort)}: ${this.tcp(ip, top)}`;
    }
    return `${prefix}IP ${this.host(ip.source)} > ${this.host(ip.destination)}: ip-proto-${proto}`;
  }

  private ipDetails(ip: Extract<Decoded, { kind: 'ipv4' }>): string {
    const flags = ip.dontFragment ? 'DF' : ip.moreFragments ? '+' : 'none';
    const names: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP' };
    return `(tos 0x0, ttl ${ip.ttl}, id ${ip.id}, offset ${ip.fragmentOffset}, flags [${flags}], proto ${names[ip.protocol] ?? 'unknown'} (${ip.protocol}), length ${ip.totalLength})\n    `;
  }

  private arp(a: Extract<Decoded, { kind: 'arp' }>, length: number): string {
    if (a.op === 1)
      return `ARP, Request who-has ${this.host(a.targetIp)} tell ${this.host(a.senderIp)}, length ${length}`;
    return `ARP, Reply ${this.host(a.senderIp)} is-at ${formatMac(a.senderMac)}, length ${length}`;
  }

  private icmp(i: Extract<Decoded, { kind: 'icmp' }>): string {
    const len = `, length ${i.length}`;
    switch (i.type) {
      case 0:
        return `ICMP echo reply, id ${i.id}, seq ${i.sequence}${len}`;
      case 8:
        return `ICMP echo request, id ${i.id}, seq ${i.sequence}${len}`;
      case 11:
        return `ICMP time exceeded in-${i.code === 1 ? 'reassembly' : 'transit'}${len}`;
      case 3: {
        const q = i.quoted;
        const dst = q ? this.host(q.destination) : '?';
        switch (i.code) {
          case 0:
            return `ICMP net ${dst} unreachable${len}`;
          case 1:
            return `ICMP host ${dst} unreachable${len}`;
          case 2:
            return `ICMP ${dst} protocol ${q?.protocol ?? 0} unreachable${len}`;
          case 3: {
            const proto = q?.protocol === 6 ? 'tcp' : 'udp';
            return `ICMP ${dst} ${proto} port ${q?.destinationPort === undefined ? '?' : this.port(q.destinationPort)} unreachable${len}`;
          }
          case 4:
            return `ICMP ${dst} unreachable - need to frag (mtu ${i.nextHopMtu ?? 0})${len}`;
          case 13:
            return `ICMP host ${dst} unreachable - admin prohibited filter${len}`;
          default:
            return `ICMP ${dst} unreachable code ${i.code}${len}`;
        }
      }
      default:
        return `ICMP type-#${i.type}${len}`;
    }
  }

  private tcp(ip: Extract<Decoded, { kind: 'ipv4' }>, t: Extract<Decoded, { kind: 'tcp' }>): string {
    const flags = TCP_FLAG_CHARS.filter(([bit]) => (t.flags & bit) !== 0)
      .map(([, c]) => c)
      .join('');
    const fwd = `${ip.source}:${t.sourcePort}>${ip.destination}:${t.destinationPort}`;
    const rev = `${ip.destination}:${t.destinationPort}>${ip.source}:${t.sourcePort}`;
    const syn = (t.flags & 0x02) !== 0;
    const fin = (t.flags & 0x01) !== 0;
    const rst = (t.flags & 0x04) !== 0;
    const hasAck = (t.flags & 0x10) !== 0;
    // SYNs print absolute numbers and set this direction's base; later segments print
    // numbers relative to the bases (the first segment seen mid-stream sets them, absolute).
    let base = this.bases.get(fwd);
    let ackBase = this.bases.get(rev);
    let absolute = false;
    if (syn || base === undefined) {
      absolute = true;
      base = t.seq;
      this.bases.set(fwd, base);
      if (!syn && hasAck && ackBase === undefined) this.bases.set(rev, t.ack);
      ackBase = undefined;
    }
    const rel = (n: number, b: number | undefined) => String(b === undefined || absolute ? n : (n - b) >>> 0);
    const parts = [`Flags [${flags || 'none'}]`];
    if (t.payloadLength > 0 || syn || fin || rst) {
      const start = rel(t.seq, base);
      parts.push(
        t.payloadLength > 0 ? `seq ${start}:${rel((t.seq + t.payloadLength) >>> 0, base)}` : `seq ${start}`,
      );
    }
    if (hasAck) parts.push(`ack ${rel(t.ack, ackBase)}`);
    parts.push(`win ${t.window}`);
    if (t.flags & 0x20) parts.push(`urg ${t.urgent}`);
    if (t.options.length > 0) parts.push(`options [${t.options.map(tcpOptionText).join(',')}]`);
    parts.push(`length ${t.payloadLength}`);
    return parts.join(', ');
  }
}

function readMac48(bytes: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + bytes[at + i]!;
  return v;
}
