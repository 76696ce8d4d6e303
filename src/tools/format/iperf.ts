/**
 * The text of iperf 2 (2.1.8, Debian 12's `iperf`), as pure functions of the figures.
 * Checked against the real program on loopback:
 *
 *   ------------------------------------------------------------
 *   Client connecting to 127.0.0.1, UDP port 5999
 *   Sending 1470 byte datagrams, IPG target: 5607.60 us (kalman adjust)
 *   UDP buffer size:  208 KByte (default)
 *   ------------------------------------------------------------
 *   [  1] local 127.0.0.1 port 41265 connected with 127.0.0.1 port 5999
 *   [ ID] Interval       Transfer     Bandwidth
 *   [  1] 0.0000-1.0000 sec   258 KBytes  2.12 Mbits/sec
 *   [  1] Sent 539 datagrams
 *   [  1] Server Report:
 *   [ ID] Interval       Transfer     Bandwidth        Jitter   Lost/Total Datagrams
 *   [  1] 0.0000-3.0058 sec   772 KBytes  2.10 Mbits/sec   0.002 ms 0/538 (0%)
 *
 * Units follow iperf's byte_snprintf: transfers adapt in powers of 1024 (KBytes,
 * MBytes...), rates in powers of 1000 (Kbits/sec, Mbits/sec...), always four characters
 * wide: `%4.2f` below 9.995, `%4.1f` below 99.95, `%4.0f` above.
 */
import { formatFixed, formatG } from './printf.ts';

export const IPERF_RULE = '------------------------------------------------------------';

function fourWide(n: number): string {
  if (n < 9.995) return formatFixed(n, 2).padStart(4);
  if (n < 99.95) return formatFixed(n, 1).padStart(4);
  return formatFixed(n, 0).padStart(4);
}

/** `258 KByte` (the caller adds the `s`), adaptive in powers of 1024. */
export function iperfBytes(bytes: number): string {
  const labels = ['Byte', 'KByte', 'MByte', 'GByte', 'TByte'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < labels.length - 1) {
    n /= 1024;
    i++;
  }
  return `${fourWide(n)} ${labels[i]}`;
}

/** `2.12 Mbit` (the caller adds `s/sec`), adaptive in powers of 1000. */
export function iperfBits(bitsPerSecond: number): string {
  const labels = ['bit', 'Kbit', 'Mbit', 'Gbit', 'Tbit'];
  let n = bitsPerSecond;
  let i = 0;
  while (n >= 1000 && i < labels.length - 1) {
    n /= 1000;
    i++;
  }
  return `${fourWide(n)} ${labels[i]}`;
}

export function iperfId(id: number): string {
  return `[${String(id).padStart(3)}]`;
}

/** `0.0000-1.0000 sec   258 KBytes  2.12 Mbits/sec` for `bytes` moved in [from, to] seconds. */
export function iperfTransfer(from: number, to: number, bytes: number): string {
  const span = to - from;
  const rate = span > 0 ? (bytes * 8) / span : 0;
  return `${formatFixed(from, 4)}-${formatFixed(to, 4)} sec  ${iperfBytes(bytes)}s  ${iperfBits(rate)}s/sec`;
}

export const IPERF_HEADER = '[ ID] Interval       Transfer     Bandwidth';
export const IPERF_UDP_SERVER_HEADER =
  '[ ID] Interval       Transfer     Bandwidth        Jitter   Lost/Total Datagrams';

/** The server's UDP line: the transfer, then jitter and losses. */
export function iperfUdpServerLine(
  id: number,
  from: number,
  to: number,
  bytes: number,
  jitterMs: number,
  lost: number,
  total: number,
): string {
  const percent = total > 0 ? (lost * 100) / total : 0;
  return `${iperfId(id)} ${iperfTransfer(from, to, bytes)}  ${formatFixed(jitterMs, 3).padStart(6)} ms ${lost}/${total} (${formatG(percent, 2)}%)`;
}

/** Datagrams that arrived after a later one: iperf 2 reports them under the transfer line. */
export function iperfOutOfOrderLine(id: number, from: number, to: number, count: number): string {
  return `${iperfId(id)} ${formatFixed(from, 4)}-${formatFixed(to, 4)} sec  ${count} datagrams received out-of-order`;
}

/** `local A port P connected with B port Q`. */
export function iperfConnectedLine(
  id: number,
  local: string,
  localPort: number,
  remote: string,
  remotePort: number,
): string {
  return `${iperfId(id)} local ${local} port ${localPort} connected with ${remote} port ${remotePort}`;
}

/**
 * iperf's `-b` and `-l` values: a number with an optional suffix. Upper case K, M, G are
 * powers of 1024 and lower case k, m, g powers of 1000 — iperf 2's own rule, so `-b 2M`
 * asks for 2,097,152 bit/s, exactly as the real tool does.
 */
export function parseIperfQuantity(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)([kKmMgG]?)$/.exec(text.trim());
  if (!m) return undefined;
  const scale: Record<string, number> = {
    '': 1,
    k: 1e3,
    m: 1e6,
    g: 1e9,
    K: 1024,
    M: 1024 ** 2,
    G: 1024 ** 3,
  };
  return Number(m[1]) * scale[m[2]!]!;
}
