/**
 * The few C printf conversions the Linux tools use, reproduced exactly as glibc prints
 * them: `%g` (ping's packet loss) and `%.Nf` (traceroute's times). glibc rounds the exact
 * binary value of the double to the requested digits, ties to even; JavaScript's toFixed
 * and toPrecision round ties away from zero, which differs for values such as 0.1953125
 * (1 lost of 512). So this file works on the exact decimal expansion, with BigInt.
 *
 * Left out: flags, widths and the other conversions (callers pad with padStart).
 */

interface Exact {
  readonly negative: boolean;
  /** The value is digits × 10^-scale, exactly. */
  readonly digits: bigint;
  readonly scale: number;
}

const f64 = new DataView(new ArrayBuffer(8));

/** The exact decimal value of a finite double. */
function exact(x: number): Exact {
  f64.setFloat64(0, x);
  const hi = f64.getUint32(0);
  const lo = f64.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) return { negative, digits: mantissa << BigInt(exponent), scale: 0 };
  // m × 2^-k = m × 5^k / 10^k
  return { negative, digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** digits / 10^drop, rounded half to even. */
function roundDrop(digits: bigint, drop: number): bigint {
  if (drop <= 0) return digits * 10n ** BigInt(-drop);
  const divisor = 10n ** BigInt(drop);
  const q = digits / divisor;
  const twice = (digits % divisor) * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) return q + 1n;
  return q;
}

function assertFinite(x: number): void {
  if (!Number.isFinite(x)) throw new TypeError(`printf: cannot format ${x}`);
}

/** C's `%.{decimals}f`. */
export function formatFixed(x: number, decimals: number): string {
  assertFinite(x);
  const e = exact(x);
  const q = roundDrop(e.digits, e.scale - decimals);
  let text = q.toString();
  if (decimals > 0) {
    text = text.padStart(decimals + 1, '0');
    text = `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
  }
  return e.negative ? `-${text}` : text;
}

/** C's `%g` with the given precision (default 6): shortest of %e and %f, trailing zeros cut. */
export function formatG(x: number, precision = 6): string {
  assertFinite(x);
  const p = precision === 0 ? 1 : precision;
  const e = exact(x);
  if (e.digits === 0n) return e.negative ? '-0' : '0';
  const length = e.digits.toString().length;
  // value = d.ddd × 10^exp10 before rounding
  let exp10 = length - 1 - e.scale;
  let q = roundDrop(e.digits, length - p);
  if (q.toString().length > p) {
    // Rounding carried into a new digit (9.999995 -> 10.0000).
    q /= 10n;
    exp10++;
  }
  const significant = q.toString();
  let text: string;
  if (exp10 < -4 || exp10 >= p) {
    const mantissa = trimZeros(`${significant[0]}.${significant.slice(1)}`);
    const sign = exp10 < 0 ? '-' : '+';
    text = `${mantissa}e${sign}${String(Math.abs(exp10)).padStart(2, '0')}`;
  } else if (exp10 >= 0) {
    text = trimZeros(`${significant.slice(0, exp10 + 1)}.${significant.slice(exp10 + 1)}`);
  } else {
    text = trimZeros(`0.${'0'.repeat(-exp10 - 1)}${significant}`);
  }
  return e.negative ? `-${text}` : text;
}

function trimZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}
