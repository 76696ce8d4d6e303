/**
 * Seeded randomness. `Math.random` is never used: every random choice in a run comes from
 * a `Random` derived from the scenario seed, so the same seed gives the same run.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through
 * splitmix32. `fork(label)` derives an independent stream from the root seed and a label
 * only (not from how much the parent has been used), so adding a node or a draw in one
 * place does not shift the numbers every other node sees.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly seed: number,
    readonly label = '',
  ) {
    let s = hashString(`${seed >>> 0}/${label}`);
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** An independent stream for `label` (e.g. a node name), derived from this one's seed. */
  fork(label: string): Random {
    return new Random(this.seed, this.label ? `${this.label}/${label}` : label);
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** Fills `out` with random bytes. */
  bytes(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** FNV-1a over the UTF-16 code units of a string. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
