/**
 * The text of Linux traceroute 2.1 (Dmitry Butskoy's, the one Debian and Ubuntu ship), as
 * pure functions of the probes' outcomes. Lines are returned without their '\n'.
 *
 * Rules from traceroute.c (print_header, print_probe, parse_icmp_res):
 *
 * - hop lines start with the TTL right-aligned in two columns and a space (`%2u `);
 * - a probe's replying address is printed before its time when it is the first probe
 *   with a reply on the line, or differs from the previous probe with a reply — so a
 *   change of router mid-line shows the new address mid-line;
 * - an address prints as ` name (address)`, or ` address (address)` when it has no name;
 *   with -n as ` address`;
 * - a time is `  %.3f ms`, a timeout ` *`, and an ICMP error adds ` !H` and the like.
 *
 * Left out: AS-path lookups (-A), ICMP extensions (-e), the back-hop count (--back), and
 * IPv6's annotations.
 */
import { formatFixed } from './printf.ts';

export interface TracerouteHeader {
  /** What the user typed. */
  readonly target: string;
  readonly address: string;
  readonly maxHops?: number;
  /** IP header + UDP header + payload: 60 by default. */
  readonly packetBytes?: number;
}

/** `traceroute to 10.0.2.2 (10.0.2.2), 30 hops max, 60 byte packets` */
export function tracerouteHeaderLine(h: TracerouteHeader): string {
  return `traceroute to ${h.target} (${h.address}), ${h.maxHops ?? 30} hops max, ${h.packetBytes ?? 60} byte packets`;
}

export type TracerouteProbe =
  | { readonly kind: 'timeout' }
  | {
      readonly kind: 'reply';
      readonly from: string;
      /** Reverse-DNS name; without one the address is printed twice, as traceroute does. */
      readonly name?: string;
      readonly rttNs: number;
      /** `!H`, `!N`... from `tracerouteAnnotation`; absent for TTL exceeded and port unreachable. */
      readonly annotation?: string;
    };

export interface TracerouteLineOptions {
  /** -n: print addresses only. */
  readonly numeric?: boolean;
}

/** One hop: ` 1  10.0.0.254 (10.0.0.254)  0.412 ms  0.389 ms  0.377 ms`, ` 2  * * *`. */
export function tracerouteHopLine(
  ttl: number,
  probes: readonly TracerouteProbe[],
  opts: TracerouteLineOptions = {},
): string {
  let line = `${String(ttl).padStart(2)} `;
  let previous: string | undefined;
  for (const p of probes) {
    if (p.kind === 'timeout') {
      line += ' *';
      continue;
    }
    if (p.from !== previous) {
      line += opts.numeric ? ` ${p.from}` : ` ${p.name ?? p.from} (${p.from})`;
      previous = p.from;
    }
    // Exact decimal of the nanoseconds, rounded as printf("%.3f") rounds.
    line += `  ${formatFixed(p.rttNs / 1_000_000, 3)} ms`;
    if (p.annotation) line += ` ${p.annotation}`;
  }
  return line;
}

/**
 * traceroute's note for an ICMP reply to a probe (parse_icmp_res, IPv4): undefined for
 * TTL exceeded in transit, for port unreachable (the destination answered) and for echo
 * replies (-I, the destination answered); `!N`,
 * `!H`, `!P`, `!X`, `!S`, `!V`, `!C`, `!F-<mtu>` for destination unreachable codes;
 * `!<code>` for other unreachable codes and `!<type-code>` for other messages.
 */
export function tracerouteAnnotation(type: number, code: number, mtu = 0): string | undefined {
  if ((type === 11 && code === 0) || type === 0) return undefined;
  if (type !== 3) return `!<${type}-${code}>`;
  switch (code) {
    case 0: // net unreachable
    case 6: // net unknown
    case 8: // source host isolated
    case 11: // net unreachable for TOS
      return '!N';
    case 1: // host unreachable
    case 7: // host unknown
    case 12: // host unreachable for TOS
      return '!H';
    case 9: // net administratively prohibited
    case 10: // host administratively prohibited
    case 13: // communication administratively prohibited
      return '!X';
    case 3: // port unreachable: the destination is reached
      return undefined;
    case 2:
      return '!P';
    case 4:
      return `!F-${mtu}`;
    case 5:
      return '!S';
    case 14:
      return '!V';
    case 15:
      return '!C';
    default:
      return `!<${code}>`;
  }
}
