/**
 * The text of Linux ping (iputils 2021-2024: Debian 12, Ubuntu 22.04/24.04), as pure
 * functions of what happened. Each function returns lines without their '\n'.
 *
 * Rules taken from iputils' ping.c and ping_common.c:
 *
 * - Round-trip times are measured in whole microseconds (iputils stamps with timeval):
 *   netlab truncates the simulated nanoseconds to microseconds first.
 * - A reply's time is printed with a precision that shrinks as it grows:
 *   below 1 ms three decimals, exact (`0.123`); below 9.995 ms two decimals, rounded
 *   (`1.23`); below 99.95 ms one decimal, rounded (`12.3`); from there whole
 *   milliseconds, rounded (`123`).
 * - The summary prints min/avg/max/mdev with three decimals from integer microseconds.
 *   avg = ⌊Σt / n⌋; mdev = ⌊√var⌋ with var = ⌊(Σt² − (Σt)²/n) / n⌋ (Σ in doubles, as
 *   iputils computes it when Σt < 2^31 µs; otherwise ⌊Σt²/n − avg²⌋), n counting
 *   duplicates.
 * - Packet loss is `%g` of the float (transmitted − received) × 100 / transmitted; the
 *   time is the span from the first to the last probe sent, rounded to milliseconds.
 *
 * Left out: flood mode's dots, -D timestamps, -O "no answer yet", ipg/ewma (flood and
 * adaptive modes), record-route and timestamp options, and the JSON output of iputils 2025.
 */
import { formatG } from './printf.ts';

export interface PingHeader {
  /** What the user typed: `10.0.0.2` or `server.example`. */
  readonly target: string;
  /** The address it resolved to. */
  readonly address: string;
  /** ICMP payload bytes, -s (56 by default). */
  readonly dataBytes?: number;
  /** IP options bytes (40 with -R or -T, else 0). */
  readonly ipOptionsBytes?: number;
  /** Shown as `from SOURCE DEVICE: ` when ping was bound with -I. */
  readonly from?: { readonly source: string; readonly device?: string };
}

/** `PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.` */
export function pingHeaderLine(h: PingHeader): string {
  const data = h.dataBytes ?? 56;
  const from = h.from ? `from ${h.from.source} ${h.from.device ?? ''}: ` : '';
  return `PING ${h.target} (${h.address}) ${from}${data}(${data + 8 + (h.ipOptionsBytes ?? 0) + 20}) bytes of data.`;
}

export type PingEvent =
  | {
      readonly kind: 'reply';
      /** ICMP bytes received (header included): 64 for the default 56-byte payload. */
      readonly bytes: number;
      readonly from: string;
      /** Reverse-DNS name of `from`, printed as `name (address)`; omit with -n. */
      readonly fromName?: string;
      readonly seq: number;
      readonly ttl: number;
      /** Absent when the payload is too short to carry a timestamp (-s below 8). */
      readonly rttNs?: number;
      readonly duplicate?: boolean;
      /** Fewer bytes came back than were sent. */
      readonly truncated?: boolean;
    }
  | {
      readonly kind: 'error';
      /** Who sent the ICMP error (or the local address for a local ARP failure). */
      readonly from: string;
      readonly fromName?: string;
      readonly seq: number;
      /** The ICMP error's text, see `pingIcmpErrorText`. */
      readonly message: string;
    };

function who(address: string, name: string | undefined): string {
  return name === undefined ? address : `${name} (${address})`;
}

/** iputils' reply time: `0.123`, `1.23`, `12.3`, `123` (see the header comment). */
export function formatPingTime(rttNs: number): string {
  const t = Math.floor(rttNs / 1000);
  if (t >= 100_000 - 50) return `${Math.floor((t + 500) / 1000)}`;
  if (t >= 10_000 - 5) return `${Math.floor((t + 50) / 1000)}.${Math.floor(((t + 50) % 1000) / 100)}`;
  if (t >= 1000)
    return `${Math.floor((t + 5) / 1000)}.${String(Math.floor(((t + 5) % 1000) / 10)).padStart(2, '0')}`;
  return `${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}`;
}

/**
 * `64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.123 ms` or
 * `From 10.0.0.254 icmp_seq=1 Destination Host Unreachable`.
 */
export function pingLine(e: PingEvent): string {
  if (e.kind === 'error') return `From ${who(e.from, e.fromName)} icmp_seq=${e.seq} ${e.message}`;
  let line = `${e.bytes} bytes from ${who(e.from, e.fromName)}: icmp_seq=${e.seq} ttl=${e.ttl}`;
  if (e.truncated) return `${line} (truncated)`;
  if (e.rttNs !== undefined) line += ` time=${formatPingTime(e.rttNs)} ms`;
  if (e.duplicate) line += ' (DUP!)';
  return line;
}

/** iputils' text for an ICMP error about one of its probes (pr_icmph). */
export function pingIcmpErrorText(type: number, code: number, info = 0): string {
  switch (type) {
    case 3:
      if (code === 4) return `Frag needed and DF set (mtu = ${info})`;
      return DEST_UNREACHABLE[code] ?? `Dest Unreachable, Bad Code: ${code}`;
    case 4:
      return 'Source Quench';
    case 11:
      return code === 0
        ? 'Time to live exceeded'
        : code === 1
          ? 'Frag reassembly time exceeded'
          : `Time exceeded, Bad Code: ${code}`;
    case 12:
      return `Parameter problem: pointer = ${info}`;
    default:
      return `Bad ICMP type: ${type}`;
  }
}

const DEST_UNREACHABLE: Readonly<Record<number, string>> = {
  0: 'Destination Net Unreachable',
  1: 'Destination Host Unreachable',
  2: 'Destination Protocol Unreachable',
  3: 'Destination Port Unreachable',
  5: 'Source Route Failed',
  6: 'Destination Net Unknown',
  7: 'Destination Host Unknown',
  8: 'Source Host Isolated',
  9: 'Destination Net Prohibited',
  10: 'Destination Host Prohibited',
  11: 'Destination Net Unreachable for Type of Service',
  12: 'Destination Host Unreachable for Type of Service',
  13: 'Packet filtered',
  14: 'Precedence Violation',
  15: 'Precedence Cutoff',
};

export interface PingSummary {
  /** As in the header: what the user typed. */
  readonly target: string;
  readonly transmitted: number;
  /** Distinct replies (duplicates and errors not included). */
  readonly received: number;
  readonly duplicates?: number;
  /** Replies with a bad checksum. */
  readonly corrupted?: number;
  /** ICMP errors received (unreachable, TTL exceeded) and local errors. */
  readonly errors?: number;
  /** From the first probe sent to the last one sent. */
  readonly elapsedNs: number;
  /** Round-trip times of every reply counted, duplicates included. */
  readonly rttsNs: readonly number[];
  /** Most probes in flight at once; printed as `pipe N` when above 1. */
  readonly pipe?: number;
}

/**
 * The integer square root iputils computes (Newton's method on long long, rounding down).
 * BigInt, because variances of long round trips pass 2^53.
 */
function llsqrt(a: number): number {
  const n = BigInt(Math.trunc(a));
  let prev: bigint | undefined;
  let x = n;
  if (x > 0n) {
    while (prev === undefined || x < prev) {
      prev = x;
      x = (x + n / x) / 2n;
    }
  }
  return Number(x);
}

/** `%ld.%03ld` of microseconds as milliseconds. */
function ms3(us: number): string {
  return `${Math.trunc(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

/**
 * The block printed when ping ends: an empty line, the `--- X ping statistics ---` line,
 * the counts line, and the rtt line (`rtt min/avg/max/mdev = ...`, then `, pipe N`).
 * When there is neither rtt nor pipe the last line is empty, as ping prints it.
 */
export function pingSummaryLines(s: PingSummary): string[] {
  let counts = `${s.transmitted} packets transmitted, ${s.received} received`;
  if (s.duplicates) counts += `, +${s.duplicates} duplicates`;
  if (s.corrupted) counts += `, +${s.corrupted} corrupted`;
  if (s.errors) counts += `, +${s.errors} errors`;
  if (s.transmitted > 0) {
    const loss = Math.fround(((s.transmitted - s.received) * 100.0) / s.transmitted);
    counts += `, ${formatG(loss)}% packet loss, time ${Math.floor((s.elapsedNs + 500_000) / 1_000_000)}ms`;
  }

  const parts: string[] = [];
  const total = s.rttsNs.length;
  if (s.received > 0 && total > 0) {
    const us = s.rttsNs.map((ns) => Math.floor(ns / 1000));
    let tsum = 0;
    let tsum2 = 0;
    let tmin = Number.POSITIVE_INFINITY;
    let tmax = 0;
    for (const t of us) {
      tsum += t;
      tsum2 += t * t;
      if (t < tmin) tmin = t;
      if (t > tmax) tmax = t;
    }
    const tmavg = Math.trunc(tsum / total);
    const tmvar =
      tsum < 2_147_483_647
        ? Math.trunc((tsum2 - (tsum * tsum) / total) / total)
        : Math.trunc(tsum2 / total - tmavg * tmavg);
    // Rounding can make a zero variance a hair negative; iputils would then print garbage.
    const tmdev = llsqrt(Math.max(0, tmvar));
    parts.push(`rtt min/avg/max/mdev = ${ms3(tmin)}/${ms3(tmavg)}/${ms3(tmax)}/${ms3(tmdev)} ms`);
  }
  if (s.pipe !== undefined && s.pipe > 1) parts.push(`pipe ${s.pipe}`);
  return ['', `--- ${s.target} ping statistics ---`, counts, parts.join(', ')];
}
