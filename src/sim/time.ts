/**
 * Simulated time. A `Time` is an integer number of nanoseconds since the start of the run,
 * held in a plain JS number: exact up to 2^53 ns (about 104 days), with no BigInt cost on
 * the per-packet path.
 */
export type Time = number;

export const NANOSECOND: Time = 1;
export const MICROSECOND: Time = 1_000;
export const MILLISECOND: Time = 1_000_000;
export const SECOND: Time = 1_000_000_000;

/**
 * Not a time: a fraction that a field holding nanosecond times (or other numbers that
 * outgrow 31 bits or turn fractional) is initialised with, before its constructor stores
 * the real first value. A simulation passes 2^31 ns (2.15 s) after a moment of wall
 * time, its timers sooner: when a field's first value was a small integer, V8 gave it
 * the small-integer representation, and the first larger time then changes the class's
 * hidden-class layout and throws away every compiled function that had read it (dozens
 * on the per-packet path, all at once, just after they were optimised). Starting with a
 * fraction gives the field the floating-point representation from the first object on;
 * integers fit it, so nothing changes again. The value is overwritten at once and never
 * observed.
 */
export const DOUBLE_FIELD = 0.5;

const UNITS: Record<string, number> = {
  ns: NANOSECOND,
  us: MICROSECOND,
  µs: MICROSECOND,
  ms: MILLISECOND,
  s: SECOND,
  m: 60 * SECOND,
  min: 60 * SECOND,
  h: 3600 * SECOND,
};

/**
 * Parses a duration such as `10ms`, `1.5s`, `250us`, `100ns`, `2m`. A bare number is
 * seconds. Returns undefined when the text is not a non-negative duration.
 */
export function parseDuration(text: string | number): Time | undefined {
  if (typeof text === 'number')
    return Number.isFinite(text) && text >= 0 ? Math.round(text * SECOND) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m|min|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = UNITS[m[2] ?? 's']!;
  return Math.round(Number(m[1]) * unit);
}

/**
 * The simulated wall clock: the instant simulated time 0 stands for, wherever a protocol
 * needs a date (HTTP's Date and Last-Modified, cookie expiry, certificate validity, dig's
 * WHEN): 2025-01-01T00:00:00Z. One epoch for every layer, so a certificate issued at the
 * start of a run is valid in its HTTP responses' dates too. (Captures keep counting from
 * the Unix epoch: pcap time is time since the run began.)
 */
export const SIM_WALL_EPOCH_MS = Date.UTC(2025, 0, 1);

/** Milliseconds since the Unix epoch on the simulated wall clock at simulated time `t`. */
export function simWallClockMs(t: Time): number {
  return SIM_WALL_EPOCH_MS + Math.floor(t / MILLISECOND);
}

/**
 * Seconds with `digits` decimals (default 6: microseconds), truncated as tools' clocks
 * are (tcpdump and ping print whole microseconds), so a timeline never shows an event
 * later than the tool that saw it: `1.000250`.
 */
export function formatSeconds(t: Time, digits = 6): string {
  const unit = 10 ** (9 - digits);
  const ticks = Math.floor(t / unit);
  const scale = 10 ** digits;
  const whole = Math.floor(ticks / scale);
  return digits === 0 ? String(whole) : `${whole}.${String(ticks % scale).padStart(digits, '0')}`;
}

/** A short human duration: `250 ns`, `12.5 us`, `3.2 ms`, `1.5 s`. */
export function formatDuration(t: Time): string {
  const abs = Math.abs(t);
  if (abs < MICROSECOND) return `${t} ns`;
  if (abs < MILLISECOND) return `${trim(t / MICROSECOND)} us`;
  if (abs < SECOND) return `${trim(t / MILLISECOND)} ms`;
  return `${trim(t / SECOND)} s`;
}

function trim(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
