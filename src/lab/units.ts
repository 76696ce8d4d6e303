/**
 * Parsers and formatters for the quantities scenario files and lab tools write as text:
 * rates (`1Gbps`), probabilities (`0.1%`), queue limits (`100`, `64KB`). IPv4 addresses
 * and prefixes are `src/internet/ipv4-address.ts`.
 *
 * Every parser returns `undefined` for text it cannot read; callers report the problem
 * with their own context (file, line, key). Units are SI (1000-based) unless the unit says
 * otherwise (`KiB`): networking quotes rates and sizes that way (1 Gbit/s = 10^9 bit/s).
 * Durations are `parseDuration` in `src/sim/time.ts`.
 */
import type { QueueLimit } from '../link/drop-tail-queue.ts';

const SI: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

const NUMBER = String.raw`(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)`;
const RATE = new RegExp(`^${NUMBER}\\s*([kKmMgGtT]?)(bps|bit/s|b/s|bit)?$`);

/**
 * A data rate in bit/s: `1Gbps`, `100 Mbps`, `10Mbit/s`, `64kbps`, `2.5G`; a bare number
 * (or numeric text) is bit/s. Prefixes are SI and case-insensitive (`mbps` is Mbit/s,
 * never millibits). Byte rates (`MB/s`, `MBps`) are refused: links are quoted in bits.
 * Returns undefined unless the result is finite and positive.
 */
export function parseRate(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const m = RATE.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) * SI[m[2]!.toLowerCase()]!;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** True for text that looks like a byte rate (`10MB/s`, `5 MBps`), for a helpful hint. */
export function looksLikeByteRate(text: string): boolean {
  return new RegExp(`^${NUMBER}\\s*[kKmMgGtT]?(B/s|Bps|byte/s|bytes/s)$`).test(text.trim());
}

/** `1 Gbit/s`, `100 Mbit/s`, `64 kbit/s`, `1.544 Mbit/s`, `300 bit/s`. */
export function formatRate(bitsPerSecond: number): string {
  const units: [number, string][] = [
    [1e12, 'Tbit/s'],
    [1e9, 'Gbit/s'],
    [1e6, 'Mbit/s'],
    [1e3, 'kbit/s'],
  ];
  for (const [scale, unit] of units) {
    if (bitsPerSecond >= scale) return `${Number((bitsPerSecond / scale).toPrecision(6))} ${unit}`;
  }
  return `${Number(bitsPerSecond.toPrecision(6))} bit/s`;
}

/**
 * A probability: a fraction (`0.001`, `1e-3`) or a percentage (`0.1%`). Returns the
 * number as written (callers check the [0, 1] range so they can say so), or undefined
 * when it is not a finite number.
 */
export function parseProbability(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const m = new RegExp(`^([+-]?)${NUMBER}\\s*(%?)$`).exec(text.trim());
  if (!m) return undefined;
  const value = (m[1] === '-' ? -1 : 1) * Number(m[2]) * (m[3] === '%' ? 0.01 : 1);
  return Number.isFinite(value) ? value : undefined;
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 * 1024,
  gib: 1024 * 1024 * 1024,
};

/**
 * A queue limit: a whole number of packets (`100`, `100 packets`) or of bytes with a
 * unit (`64KB` = 64,000 bytes, `64KiB` = 65,536 bytes, `1500B`, `2MB`). Returns undefined
 * unless the limit is a whole number of at least 1.
 */
export function parseQueueLimit(text: string | number): QueueLimit | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 1 ? { packets: text } : undefined;
  const m = new RegExp(`^${NUMBER}\\s*([A-Za-z]*)$`).exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (unit === '' || unit === 'p' || unit === 'packet' || unit === 'packets' || unit === 'pkts') {
    return Number.isInteger(n) && n >= 1 ? { packets: n } : undefined;
  }
  const scale = BYTE_UNITS[unit];
  if (scale === undefined) return undefined;
  const bytes = n * scale;
  return Number.isSafeInteger(bytes) && bytes >= 1 ? { bytes } : undefined;
}

/**
 * A size in bytes: a whole number (`1470`) or a number with a byte unit (`20KB` = 20,000,
 * `20KiB` = 20,480, `1.5MB`, `512B`). Returns undefined unless it is a whole number of
 * bytes, at least 0.
 */
export function parseByteSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  const m = new RegExp(`^${NUMBER}\\s*([A-Za-z]*)$`).exec(text.trim());
  if (!m) return undefined;
  const scale = m[2] === '' ? 1 : BYTE_UNITS[m[2]!.toLowerCase()];
  if (scale === undefined) return undefined;
  const bytes = Number(m[1]) * scale;
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}

/** `100 packets`, `64000 bytes`. */
export function formatQueueLimit(limit: QueueLimit): string {
  return 'packets' in limit ? `${limit.packets} packets` : `${limit.bytes} bytes`;
}
