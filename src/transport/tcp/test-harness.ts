/**
 * Test support: two TCP machines joined by a simulated wire, without IP or links. Every
 * segment goes through the real codec (serialised with its checksum, parsed back), with a
 * one-way delay and an optional filter that can drop, duplicate or delay segments. The
 * passive side is created by the first SYN, as a listener would. Used by the machine's
 * unit tests; the layer tests run over real nodes.
 */
import { concatBytes } from '../../bytes/concat.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { Simulator } from '../../sim/simulator.ts';
import { MILLISECOND, type Time } from '../../sim/time.ts';
import type { StreamErrorCode } from '../byte-stream.ts';
import { resolveTcpConfig, TCP_DEFAULTS, type TcpSocketOptions } from './tcp-config.ts';
import { TcpConnection, type TcpConnectionHost, type TcpSegmentOut } from './tcp-connection.ts';
import { parseTcp, type TcpSegment, tcpFlagNames, writeTcp } from './tcp-segment.ts';
import type { TcpState, TcpStateEvent } from './tcp-state.ts';
import { Timer } from '../../sim/timer.ts';

export const ADDR_A = 0x0a000001;
export const ADDR_B = 0x0a000002;
export const PORT_A = 40000;
export const PORT_B = 80;

export interface WireRecord {
  readonly time: Time;
  readonly from: 'A' | 'B';
  readonly flags: string;
  readonly seq: number;
  readonly ack: number;
  readonly len: number;
  readonly window: number;
  readonly segment: TcpSegment;
}

/** What a filter decides for one segment: deliver after `delay` (extra copies in `copies`). */
export type WireFilter = (
  rec: WireRecord,
  index: number,
) => 'deliver' | 'drop' | { delay: Time; copies?: number };

export interface PairOptions {
  a?: TcpSocketOptions;
  b?: TcpSocketOptions;
  /** One-way delay. Default 10 ms. */
  delay?: Time;
  issA?: number;
  issB?: number;
  seed?: number;
  mss?: number;
  filter?: WireFilter;
}

class Side implements TcpConnectionHost {
  conn: TcpConnection | null = null;
  readonly states: { from: TcpState; to: TcpState; cause: TcpStateEvent; time: Time }[] = [];
  readonly errors: StreamErrorCode[] = [];
  readonly received: Uint8Array[] = [];
  readonly drops: string[] = [];
  retransmits = 0;
  eof = false;
  readonly timer: Timer;
  autoRead = true;

  constructor(
    readonly pair: TcpPair,
    readonly name: 'A' | 'B',
  ) {
    this.timer = new Timer(pair.sim, () => {
      this.conn?.onTimer(pair.sim.now);
      this.rearm();
    });
  }

  rearm(): void {
    const d = this.conn?.deadline ?? -1;
    if (d < 0) this.timer.cancel();
    else this.timer.setAt(Math.max(d, this.pair.sim.now));
  }

  transmit(s: TcpSegmentOut): void {
    const conn = this.conn!;
    const payload = new Uint8Array(s.dataLength);
    if (s.dataLength > 0) conn.copyData(s.dataOffset, s.dataLength, payload, 0);
    const [src, dst, sp, dp] =
      this.name === 'A' ? [ADDR_A, ADDR_B, PORT_A, PORT_B] : [ADDR_B, ADDR_A, PORT_B, PORT_A];
    const bytes = new Uint8Array(60 + s.dataLength);
    const n = writeTcp(
      bytes,
      0,
      {
        sourcePort: sp,
        destinationPort: dp,
        seq: s.seq,
        ack: s.ack,
        flags: s.flags,
        window: s.window,
        options: s.options,
        payload,
      },
      src,
      dst,
    );
    this.pair.send(this.name, bytes.slice(0, n));
  }

  onStateChange(from: TcpState, to: TcpState, cause: TcpStateEvent): void {
    this.states.push({ from, to, cause, time: this.pair.sim.now });
  }

  onReadable(): void {
    if (!this.autoRead) return;
    this.drain();
  }

  drain(): void {
    const conn = this.conn!;
    for (;;) {
      const r = conn.read(65536, this.pair.sim.now);
      if (r === undefined) break;
      if (r === null) {
        this.eof = true;
        break;
      }
      this.received.push(r);
    }
  }

  onWritable(): void {
    this.pair.onWritable?.(this.name);
  }

  onFailed(code: StreamErrorCode): void {
    this.errors.push(code);
  }

  onRetransmit(): void {
    this.retransmits++;
  }

  onCwnd(): void {}
  onRtt(): void {}

  onDrop(reason: string): void {
    this.drops.push(reason);
  }

  /** All bytes received so far, joined. */
  bytes(): Uint8Array {
    return concatBytes(this.received);
  }
}

export class TcpPair {
  readonly sim: Simulator;
  readonly a: Side;
  readonly b: Side;
  readonly wire: WireRecord[] = [];
  readonly delay: Time;
  onWritable: ((side: 'A' | 'B') => void) | undefined;
  private readonly filter: WireFilter | undefined;
  private readonly options: PairOptions;

  constructor(options: PairOptions = {}) {
    this.options = options;
    this.sim = new Simulator({ seed: options.seed ?? 1 });
    this.delay = options.delay ?? 10 * MILLISECOND;
    this.filter = options.filter;
    this.a = new Side(this, 'A');
    this.b = new Side(this, 'B');
    const mss = options.mss ?? 1460;
    this.a.conn = new TcpConnection({
      config: resolveTcpConfig(options.a ?? {}, TCP_DEFAULTS, mss),
      iss: options.issA ?? 1000,
      tsOffset: 7,
      host: this.a,
    });
  }

  /** Starts the active open at the current time. */
  connect(): void {
    this.a.conn!.connect(this.sim.now);
    this.a.rearm();
  }

  send(from: 'A' | 'B', bytes: Uint8Array): void {
    const [src, dst] = from === 'A' ? [ADDR_A, ADDR_B] : [ADDR_B, ADDR_A];
    const seg = parseTcp(bytes, src, dst);
    if (seg instanceof ProtocolError) throw new Error(`harness produced a bad segment: ${seg}`);
    const rec: WireRecord = {
      time: this.sim.now,
      from,
      flags: tcpFlagNames(seg.flags).join(','),
      seq: seg.seq,
      ack: seg.ack,
      len: seg.payload.length,
      window: seg.window,
      segment: seg,
    };
    const index = this.wire.length;
    this.wire.push(rec);
    const verdict = this.filter ? this.filter(rec, index) : 'deliver';
    if (verdict === 'drop') return;
    const extra = typeof verdict === 'object' ? verdict.delay : 0;
    const copies = typeof verdict === 'object' ? (verdict.copies ?? 1) : 1;
    for (let i = 0; i < copies; i++) {
      this.sim.after(this.delay + extra, () => this.arrive(from === 'A' ? this.b : this.a, bytes, src, dst));
    }
  }

  private arrive(to: Side, bytes: Uint8Array, src: number, dst: number): void {
    const seg = parseTcp(bytes, src, dst) as TcpSegment;
    if (!to.conn) {
      if (to.name !== 'B' || seg.flags !== 0x02) return;
      const mss = this.options.mss ?? 1460;
      to.conn = new TcpConnection({
        config: resolveTcpConfig(this.options.b ?? {}, TCP_DEFAULTS, mss),
        iss: this.options.issB ?? 5000,
        tsOffset: 99,
        host: to,
      });
      to.conn.acceptSyn(seg, this.sim.now);
    } else {
      to.conn.segmentArrived(seg, this.sim.now);
    }
    to.rearm();
  }

  /** Runs the simulation until `until` (or until nothing is left). */
  run(until?: Time): Promise<void> {
    return this.sim.run(until);
  }

  /** Calls `fn` on side's connection at time `at` and re-arms its timer. */
  at(at: Time, side: 'A' | 'B', fn: (c: TcpConnection, now: Time) => void): void {
    this.sim.at(at, () => {
      const s = side === 'A' ? this.a : this.b;
      fn(s.conn!, this.sim.now);
      s.rearm();
    });
  }
}
