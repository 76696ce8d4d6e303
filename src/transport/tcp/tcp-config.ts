/**
 * Socket options of netlab's TCP and their defaults. Defaults follow Linux where it has a
 * fixed value (sysctl net.ipv4.tcp_*), and name the RFC otherwise. Every option is
 * validated when a socket is created: an impossible value is a NetlabError('bad-option').
 *
 * | option | default | Linux / RFC |
 * | --- | --- | --- |
 * | noDelay | false (Nagle on) | TCP_NODELAY; RFC 9293 §3.7.4 |
 * | sendBuffer | 262144 | SO_SNDBUF; Linux autotunes 16 KiB..4 MiB, netlab does not autotune |
 * | receiveBuffer | 262144 | SO_RCVBUF; Linux autotunes 128 KiB..6 MiB |
 * | mss | from the route's MTU - 40 | TCP_MAXSEG; RFC 9293 §3.7.1 |
 * | congestionControl | 'newreno' | TCP_CONGESTION ('cubic' is Linux's default; the lab's is NewReno) |
 * | sack | true | net.ipv4.tcp_sack; RFC 2018 |
 * | timestamps | true | net.ipv4.tcp_timestamps; RFC 7323 |
 * | windowScaling | true | net.ipv4.tcp_window_scaling; RFC 7323 |
 * | delayedAck | true | RFC 5681 §4.2 (TCP_QUICKACK off) |
 * | delayedAckTimeout | 40 ms | TCP_DELACK_MIN (RFC 5681: at most 500 ms) |
 * | initialCwnd | 10 segments | RFC 6928, Linux TCP_INIT_CWND |
 * | initialSsthresh | unlimited | RFC 5681 §3.1 |
 * | minRto / initialRto / maxRto | 200 ms / 1 s / 120 s | TCP_RTO_MIN / TCP_TIMEOUT_INIT / TCP_RTO_MAX |
 * | timeWait | 60 s (2 MSL) | TCP_TIMEWAIT_LEN |
 * | finWait2Timeout | 60 s | net.ipv4.tcp_fin_timeout (orphaned sockets only) |
 * | synRetries / synAckRetries / dataRetries | 6 / 5 / 15 | tcp_syn_retries / tcp_synack_retries / tcp_retries2 |
 * | dupAckThreshold | 3 | RFC 5681 §3.2 |
 * | limitedTransmit | true | RFC 3042 |
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import type { CongestionControlName } from './congestion/congestion-control.ts';

export interface TcpSocketOptions {
  noDelay?: boolean;
  sendBuffer?: number;
  receiveBuffer?: number;
  /** Largest segment payload this side will send and announce (before options); default from the MTU. */
  mss?: number;
  congestionControl?: CongestionControlName;
  sack?: boolean;
  timestamps?: boolean;
  windowScaling?: boolean;
  delayedAck?: boolean;
  delayedAckTimeout?: Time;
  /** In segments. */
  initialCwnd?: number;
  /** In bytes; default unlimited. */
  initialSsthresh?: number;
  minRto?: Time;
  initialRto?: Time;
  maxRto?: Time;
  /** RTT clock granularity G of RFC 6298. Default 1 ms (Linux's jiffy at HZ=1000). */
  rtoGranularity?: Time;
  timeWait?: Time;
  finWait2Timeout?: Time;
  synRetries?: number;
  synAckRetries?: number;
  dataRetries?: number;
  dupAckThreshold?: number;
  limitedTransmit?: boolean;
}

export type TcpConfig = Required<Omit<TcpSocketOptions, 'mss'>> & { mss: number };

export const TCP_DEFAULTS: Readonly<Required<Omit<TcpSocketOptions, 'mss'>>> = {
  noDelay: false,
  sendBuffer: 262_144,
  receiveBuffer: 262_144,
  congestionControl: 'newreno',
  sack: true,
  timestamps: true,
  windowScaling: true,
  delayedAck: true,
  delayedAckTimeout: 40 * MILLISECOND,
  initialCwnd: 10,
  initialSsthresh: Number.POSITIVE_INFINITY,
  minRto: 200 * MILLISECOND,
  initialRto: SECOND,
  maxRto: 120 * SECOND,
  rtoGranularity: MILLISECOND,
  timeWait: 60 * SECOND,
  finWait2Timeout: 60 * SECOND,
  synRetries: 6,
  synAckRetries: 5,
  dataRetries: 15,
  dupAckThreshold: 3,
  limitedTransmit: true,
};

/** The largest buffer netlab accepts (Linux's default tcp_rmem max is 6 MiB; 64 MiB leaves room). */
export const TCP_MAX_BUFFER = 64 * 1024 * 1024;
/** RFC 9293 §3.7.1: an IPv4 host must accept 536-byte segments; below that nothing works. */
export const TCP_MIN_MSS = 88;
/** RFC 9293 §3.7.1: the MSS assumed when a SYN carries none. */
export const TCP_DEFAULT_MSS = 536;

function bad(name: string, value: unknown, what: string): never {
  throw new NetlabError('bad-option', `TCP option ${name} must be ${what}, got ${String(value)}`);
}

function int(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) bad(name, v, `an integer in ${min}..${max}`);
}

function time(name: string, v: number, min: number): void {
  if (!Number.isFinite(v) || v < min) bad(name, v, `a time of at least ${min} ns`);
}

/**
 * Merges `options` over `base` and checks every value. `mtuMss` is the route's MTU - 40;
 * an `mss` option can only lower it.
 */
export function resolveTcpConfig(
  options: TcpSocketOptions,
  base: Readonly<Required<Omit<TcpSocketOptions, 'mss'>>>,
  mtuMss: number,
): TcpConfig {
  const c: TcpConfig = { ...base, mss: mtuMss };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (c as Record<string, unknown>)[k] = v;
  for (const k of [
    'noDelay',
    'sack',
    'timestamps',
    'windowScaling',
    'delayedAck',
    'limitedTransmit',
  ] as const)
    if (typeof c[k] !== 'boolean') bad(k, c[k], 'true or false');
  int('sendBuffer', c.sendBuffer, 1, TCP_MAX_BUFFER);
  int('receiveBuffer', c.receiveBuffer, 1, TCP_MAX_BUFFER);
  int('mss', c.mss, TCP_MIN_MSS, 65_495);
  // TCP_MAXSEG can lower the MSS below what the MTU allows, never raise it.
  c.mss = Math.min(c.mss, Math.max(TCP_MIN_MSS, mtuMss));
  if (c.congestionControl !== 'newreno' && c.congestionControl !== 'cubic')
    bad('congestionControl', c.congestionControl, "'newreno' or 'cubic'");
  time('delayedAckTimeout', c.delayedAckTimeout, 1);
  int('initialCwnd', c.initialCwnd, 1, 1000);
  if (!(c.initialSsthresh >= 2)) bad('initialSsthresh', c.initialSsthresh, 'at least 2 bytes');
  time('minRto', c.minRto, 1);
  time('initialRto', c.initialRto, 1);
  time('maxRto', c.maxRto, c.minRto);
  time('rtoGranularity', c.rtoGranularity, 1);
  time('timeWait', c.timeWait, 0);
  time('finWait2Timeout', c.finWait2Timeout, 0);
  int('synRetries', c.synRetries, 0, 127);
  int('synAckRetries', c.synAckRetries, 0, 127);
  int('dataRetries', c.dataRetries, 1, 127);
  int('dupAckThreshold', c.dupAckThreshold, 1, 100);
  return c;
}
