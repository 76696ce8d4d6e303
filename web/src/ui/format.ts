/** Numbers as the lab shows them: simulated time, rates, sizes, delays. */
import { formatDuration, formatSeconds } from '../../../src/sim/time.ts';

/** `1.000029 s` (simulated time, microseconds, truncated as tools print it). */
export function seconds(ns: number, digits = 6): string {
  return `${formatSeconds(Math.max(0, ns), digits)} s`;
}

/** `250 ns`, `12.5 µs`, `3.2 ms`, `1.5 s`. */
export function duration(ns: number): string {
  return formatDuration(ns).replace(' us', ' µs');
}

/** `1 Gbit/s`, `9.57 Mbit/s`, `640 bit/s` (SI prefixes, as link rates are written). */
export function rate(bps: number): string {
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let v = bps;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))} ${units[i]}`;
}

/** `1,514 B`, `12.3 kB`, `4.5 MB`. */
export function bytes(n: number): string {
  if (n < 10_000) return `${n.toLocaleString('en-US')} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))} ${units[i]}`;
}

/** `×0.001`, `×1`, `×250`. */
export function speed(s: number): string {
  return `×${Number(s.toPrecision(3))}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
