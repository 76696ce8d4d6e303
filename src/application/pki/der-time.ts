/**
 * Certificate times (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for 1950-2049 and
 * GeneralizedTime `YYYYMMDDHHMMSSZ` from 2050, always in UTC with seconds and no fraction.
 *
 * Times are `UnixTime`, whole seconds since 1970-01-01T00:00:00Z. Inside the simulator the
 * wall clock is the run's epoch plus simulated time (`wallClockOf`), so a certificate can
 * expire in the middle of a run.
 */
import type { Clock } from '../../sim/clock.ts';
import { SECOND } from '../../sim/time.ts';

/** Seconds since 1970-01-01T00:00:00Z. */
export type UnixTime = number;

/**
 * The calendar instant simulated time 0 stands for when a scenario does not say:
 * 2025-01-01T00:00:00Z.
 */
export const DEFAULT_SIM_EPOCH: UnixTime = 1_735_689_600;

/** A wall clock reading `epoch + clock.now()`, in seconds. */
export function wallClockOf(clock: Clock, epoch: UnixTime = DEFAULT_SIM_EPOCH): () => UnixTime {
  return () => epoch + Math.floor(clock.now() / SECOND);
}

export const DAY = 86_400;

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The DER text of a time: UTCTime before 2050, GeneralizedTime after, as RFC 5280 requires. */
export function encodeDerTime(t: UnixTime): { kind: 'utc' | 'generalized'; text: string } {
  const d = new Date(Math.floor(t) * 1000);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError(`certificate time out of range: ${t}`);
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return { kind: 'utc', text: `${two(y % 100)}${rest}` };
  return { kind: 'generalized', text: `${String(y).padStart(4, '0')}${rest}` };
}

/** Parses DER time contents; null when it is not the strict RFC 5280 form. */
export function decodeDerTime(kind: 'utc' | 'generalized', c: Uint8Array): UnixTime | null {
  const text = String.fromCharCode(...c);
  const m = (
    kind === 'utc'
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/
  ).exec(text);
  if (!m) return null;
  let year = Number(m[1]);
  if (kind === 'utc') year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = [2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (month! < 1 || month! > 12 || day! < 1 || hour! > 23 || minute! > 59 || second! > 59) return null;
  const ms = Date.UTC(year, month! - 1, day!, hour!, minute!, second!);
  // Date.UTC rolls 31 April over into May: reject dates that do not exist.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms / 1000;
}

/** `Jan  1 00:00:00 2025 GMT`, the way OpenSSL prints certificate times. */
export function formatOpensslTime(t: UnixTime): string {
  const d = new Date(t * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${months[d.getUTCMonth()]} ${day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/** ISO 8601 without milliseconds: `2025-01-01T00:00:00Z`. */
export function formatIsoTime(t: UnixTime): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}
