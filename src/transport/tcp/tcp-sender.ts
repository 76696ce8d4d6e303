/**
 * The sending half of a TCP connection: what to send next and how the sender reacts to
 * ACKs. Reliability and flow control as RFC 9293 §3.8 puts them, congestion control as a
 * pluggable module (congestion/), and loss recovery:
 *
 * - cumulative ACKs and the send window (SND.UNA, SND.NXT, SND.WND with the SND.WL1/WL2
 *   update rule, §3.10.7.4), the peer's window scaled (RFC 7323 §2.3);
 * - the retransmission timer and its backoff (RFC 6298), RTT samples per Karn's rule
 *   (sent-records.ts);
 * - fast retransmit on the third duplicate ACK (RFC 5681 §3.2), Limited Transmit for the
 *   first two (RFC 3042), and the "recover" guard against repeated fast retransmits;
 * - without SACK: NewReno fast recovery with window inflation and partial ACKs (RFC 6582
 *   §3.2, the "impatient" timer variant);
 * - with SACK: the scoreboard, IsLost, the pipe and NextSeg of RFC 6675 §4-5 (rules 1-3;
 *   the optional rescue retransmission of rule 4 is left out);
 * - after an RTO: slow start from one segment, retransmitting everything un-SACKed up to
 *   what was outstanding at the timeout (RFC 5681 §3.1, RFC 6675 §5.1), ACK by ACK;
 * - Nagle (RFC 9293 §3.7.4, FIN segments exempt as in Linux) and sender-side silly window
 *   syndrome avoidance (§3.8.6.2.1); zero-window probes of one byte beyond the window
 *   (§3.8.6.1) on the persist timer.
 *
 * Positions are sequence offsets from our ISS: the SYN is 0, data byte d is d + 1, the FIN
 * follows the last data byte. Left out: F-RTO and Eifel spurious-timeout detection (RFC
 * 5682, 3522), RACK-TLP (RFC 8985), PRR (RFC 6937), pacing, ECN.
 */
import { DOUBLE_FIELD, type Time } from '../../sim/time.ts';
import type { CongestionContext, CongestionControl } from './congestion/congestion-control.ts';
import { Cubic } from './congestion/cubic.ts';
import { NewReno } from './congestion/newreno.ts';
import { RttEstimator } from './rtt-estimator.ts';
import { SackScoreboard } from './sack-scoreboard.ts';
import { SendBuffer } from './send-buffer.ts';
import { SentRecords } from './sent-records.ts';
import type { TcpConfig } from './tcp-config.ts';

/** Where the sender is in loss recovery (named after Linux's tcp_ca_state). */
export type LossState = 'open' | 'disorder' | 'recovery' | 'loss';

export type RetransmitReason = 'rto' | 'fast' | 'sack' | 'probe';

/** A segment the sender wants on the wire: [start, start + length) in sequence offsets. */
export interface SendChoice {
  start: number;
  /** Sequence space it covers (data bytes, plus 1 when it carries the FIN). */
  length: number;
  fin: boolean;
  /** Why it is a retransmission, or null for new data. */
  retransmit: RetransmitReason | null;
}

/** What an ACK did, for the connection to act on. */
export interface AckResult {
  /** Sequence offsets newly acknowledged (0 for a duplicate). */
  acked: number;
  /** It was a duplicate ACK by RFC 5681's (or with SACK, RFC 6675's) definition. */
  duplicate: boolean;
  /** Fast recovery or RTO recovery ended with this ACK. */
  recoveryEnded: boolean;
}

export class TcpSender {
  readonly buffer: SendBuffer;
  readonly cc: CongestionControl;
  readonly rtt: RttEstimator;
  readonly scoreboard = new SackScoreboard();
  private readonly records = new SentRecords();
  /** Our initial sequence number (wire value). */
  readonly iss: number;
  /** SND.UNA: oldest unacknowledged sequence offset. */
  una = 0;
  /** SND.NXT: next new sequence offset (the highest ever sent + 1; never moves back). */
  nxt = 0;
  /** SND.WND in bytes (already scaled). */
  wnd: number = DOUBLE_FIELD;
  /** SND.WL1 (peer sequence offset) and SND.WL2 (our sequence offset) of the last window update. */
  wl1 = -1;
  wl2 = -1;
  /** Largest window the peer ever offered (for SWS avoidance and RFC 5961 §5). */
  maxWnd: number = DOUBLE_FIELD;
  /** The peer's window scale shift. */
  shift = 0;
  /** Payload bytes of a full-sized segment (MSS minus the timestamp option when used). */
  mss: number;
  sackEnabled = false;
  /** The user asked to close the sending side: a FIN follows the queued data. */
  finQueued = false;
  // ---- loss recovery
  lossState: LossState = 'open';
  dupAcks = 0;
  /** RFC 6582 "recover" / RFC 6675 RecoveryPoint: HighData when recovery began. */
  recoveryPoint = 0;
  /** Highest offset retransmitted in the current recovery (RFC 6675 HighRxt). */
  highRxt = 0;
  /** In 'loss' (after an RTO): everything un-SACKed below this is presumed lost. */
  lossHigh = 0;
  /** A retransmission to make at once (fast retransmit, NewReno partial ACK), or -1. */
  private rtxNow = -1;
  private firstPartialAck = true;
  // ---- timers
  /** Retransmission timer deadline, or -1. */
  rtoAt: Time = DOUBLE_FIELD;
  /** Consecutive RTO expiries without progress. */
  retries = 0;
  /** Persist timer deadline (zero-window probing), or -1. */
  persistAt: Time = DOUBLE_FIELD;
  private persistBackoff = 0;
  /** One past the last byte sent as a window probe beyond SND.NXT. */
  private probeEnd = 0;
  // ---- counters
  segmentsSent = 0;
  bytesSent = 0;
  retransmits = 0;
  bytesRetransmitted = 0;
  /** Bytes acknowledged in total (data only). */
  bytesAcked = 0;

  constructor(
    private readonly config: TcpConfig,
    iss: number,
    mss: number,
  ) {
    this.wnd = 0;
    this.maxWnd = 0;
    this.rtoAt = -1;
    this.persistAt = -1;
    this.iss = iss >>> 0;
    this.mss = mss;
    this.buffer = new SendBuffer(config.sendBuffer);
    const initial = config.initialCwnd * mss;
    this.cc =
      config.congestionControl === 'cubic'
        ? new Cubic(initial, config.initialSsthresh)
        : new NewReno(initial, config.initialSsthresh);
    this.rtt = new RttEstimator({
      initialRto: config.initialRto,
      minRto: config.minRto,
      maxRto: config.maxRto,
      granularity: config.rtoGranularity,
    });
  }

  /** The MSS became known (SYN exchange) or smaller (PMTU): cwnd follows in segments. */
  setMss(mss: number): void {
    if (mss === this.mss) return;
    if (this.una <= 1 && this.nxt <= 1) this.cc.cwnd = this.config.initialCwnd * mss;
    this.mss = mss;
  }

  /** Sequence offset of the end of the data queued so far (one past the last byte). */
  get dataEnd(): number {
    return this.buffer.tail + 1;
  }

  /** Sequence offset of our FIN when queued. */
  get finOffset(): number {
    return this.buffer.tail + 1;
  }

  /** Our FIN was sent (it lies below SND.NXT). */
  get finSent(): boolean {
    return this.finQueued && this.nxt > this.finOffset;
  }

  /** Our FIN was acknowledged. */
  get finAcked(): boolean {
    return this.finQueued && this.una > this.finOffset;
  }

  /** Bytes in flight: sent and not cumulatively acknowledged (FlightSize). */
  get flightSize(): number {
    return this.nxt - this.una;
  }

  /** netstat's Send-Q: data not yet acknowledged (sent or not). */
  get unackedData(): number {
    return this.buffer.length;
  }

  /** Wire sequence number of an offset. */
  wire(offset: number): number {
    return (this.iss + offset) >>> 0;
  }

  private ctx(now: Time): CongestionContext {
    return { now, mss: this.mss, flightSize: this.nxt - this.una, srtt: this.rtt.srtt };
  }

  // ---- sending ------------------------------------------------------------------------

  /**
   * The next segment to send, or null when windows, Nagle or the absence of data say wait.
   * `mssNow` is the payload room of this segment (smaller when SACK blocks ride along).
   */
  next(mssNow: number): SendChoice | null {
    if (this.rtxNow >= 0) {
      const start = this.rtxNow;
      this.rtxNow = -1;
      if (start >= this.una && start < this.nxt) return this.retransmission(start, mssNow, 'fast');
    }
    if (this.lossState === 'recovery' && !this.sackEnabled) return this.newData(mssNow, this.cc.cwnd);
    if (this.lossState === 'recovery' || this.lossState === 'loss') return this.pipeSegment(mssNow);
    const extra =
      this.lossState === 'disorder' && this.config.limitedTransmit ? Math.min(this.dupAcks, 2) * this.mss : 0;
    return this.newData(mssNow, this.cc.cwnd + extra);
  }

  /** New data (or a lone FIN) within `cwnd`, the peer's window, Nagle and SWS avoidance. */
  private newData(mssNow: number, cwnd: number): SendChoice | null {
    const start = this.nxt;
    const dataEnd = this.dataEnd;
    const avail = dataEnd - start;
    const flight = this.nxt - this.una;
    if (avail <= 0) {
      if (this.finQueued && start === this.finOffset)
        return { start, length: 1, fin: true, retransmit: null };
      return null;
    }
    const rwndRoom = this.una + this.wnd - start;
    const cwndRoom = cwnd - flight;
    const len = Math.min(avail, mssNow, rwndRoom, cwndRoom);
    if (len <= 0) return null;
    const last = len === avail;
    if (len < mssNow && !last) {
      // Window-limited to a small piece: send only if it is a large share of what the peer
      // can ever take (RFC 9293 §3.8.6.2.1 (c)); the persist timer overrides a stall.
      if (len < cwndRoom && len < this.maxWnd / 2) return null;
      if (len >= cwndRoom && cwndRoom < mssNow) return null;
    }
    if (last && len < mssNow && !this.config.noDelay && flight > 0 && !this.finQueued) {
      return null; // Nagle: a small segment waits while data is unacknowledged.
    }
    const fin = last && this.finQueued;
    return { start, length: len + (fin ? 1 : 0), fin, retransmit: null };
  }

  /** A retransmission starting at `start`, up to the next SACKed range (and the FIN if it reaches it). */
  private retransmission(start: number, mssNow: number, reason: RetransmitReason): SendChoice {
    const dataEnd = this.dataEnd;
    const end = Math.max(
      start,
      Math.min(start + mssNow, this.nxt, this.scoreboard.nextSackedStart(start), dataEnd),
    );
    const fin = this.finQueued && this.nxt > dataEnd && end === dataEnd;
    return { start, length: end - start + (fin ? 1 : 0), fin, retransmit: reason };
  }

  /** RFC 6675 §4 SetPipe: bytes presumed in the network. */
  pipe(): number {
    const lost = this.lostBoundary();
    const una = this.una;
    const nxt = this.nxt;
    const sb = this.scoreboard;
    // Not lost: [max(una, lost), nxt) un-SACKed. Lost but retransmitted: [una, min(lost, highRxt)) un-SACKed.
    const notLost = sb.unsackedIn(Math.max(una, lost), nxt);
    const rexmitted = sb.unsackedIn(una, Math.min(lost, Math.max(una, this.highRxt)));
    return notLost + rexmitted;
  }

  /** Everything un-SACKed below this offset is presumed lost. */
  private lostBoundary(): number {
    const byDupThresh = this.scoreboard.lostBoundary((this.config.dupAckThreshold - 1) * this.mss);
    const lost = this.lossState === 'loss' ? Math.max(this.lossHigh, byDupThresh) : byDupThresh;
    return Math.min(lost, this.nxt);
  }

  /** RFC 6675 §5 (C): send NextSeg while cwnd - pipe allows. */
  private pipeSegment(mssNow: number): SendChoice | null {
    const pipe = this.pipe();
    const room = this.cc.cwnd - pipe;
    if (room <= 0) return null;
    const sb = this.scoreboard;
    const lost = this.lostBoundary();
    const reason: RetransmitReason = this.lossState === 'loss' ? 'rto' : 'sack';
    // Rule 1: the first un-SACKed, not yet retransmitted, presumed-lost offset.
    const from = sb.nextUnsacked(Math.max(this.una, this.highRxt));
    if (from < lost && from < this.nxt) {
      const c = this.retransmission(from, mssNow, reason);
      return c.length <= room || room >= mssNow ? c : null;
    }
    // Rule 2: new data, within what cwnd - pipe leaves.
    const fresh = this.newData(mssNow, room + (this.nxt - this.una));
    if (fresh) return fresh;
    // Rule 3: an un-SACKed hole below the highest SACKed byte, not presumed lost yet.
    if (this.sackEnabled && from < sb.highest && from < this.nxt && room >= mssNow) {
      return this.retransmission(from, mssNow, reason);
    }
    return null;
  }

  /** The segment chosen by `next` (or `probe`) is on its way. */
  onSent(c: SendChoice, now: Time): void {
    const end = c.start + c.length;
    const data = c.length - (c.fin ? 1 : 0);
    this.segmentsSent++;
    this.bytesSent += data;
    if (c.retransmit === 'probe') return; // beyond SND.NXT on purpose; the persist timer owns it
    if (c.retransmit) {
      this.retransmits++;
      this.bytesRetransmitted += data;
      if (end > this.highRxt) this.highRxt = end;
      this.records.markRetransmitted(c.start, end);
    } else if (c.start === this.nxt) {
      this.records.push(c.start, end, now);
      this.nxt = end;
    }
    if (this.rtoAt < 0) this.rtoAt = now + this.rtt.rto;
  }

  /** SYN (or SYN-ACK) sent as sequence offset 0. */
  onSynSent(now: Time, retransmit: boolean): void {
    this.segmentsSent++;
    if (!retransmit) {
      this.records.push(0, 1, now);
      this.nxt = Math.max(this.nxt, 1);
    } else {
      this.retransmits++;
      this.records.markRetransmitted(0, 1);
    }
    if (this.rtoAt < 0) this.rtoAt = now + this.rtt.rto;
  }

  // ---- ACK processing -------------------------------------------------------------------

  /** Acceptable ACK range: it may not acknowledge what was never sent (beyond probes). */
  ackInRange(ackOff: number): boolean {
    return ackOff <= Math.max(this.nxt, this.probeEnd);
  }

  /**
   * The window fields of an acceptable segment (RFC 9293 §3.10.7.4, "fifth, check the ACK
   * field", SND.WL1/WL2 rule). `seqOff` is the peer's sequence offset of the segment.
   */
  updateWindow(seqOff: number, ackOff: number, window: number): boolean {
    if (this.wl1 < seqOff || (this.wl1 === seqOff && this.wl2 <= ackOff)) {
      const changed = window !== this.wnd;
      this.wnd = window;
      this.wl1 = seqOff;
      this.wl2 = ackOff;
      if (window > this.maxWnd) this.maxWnd = window;
      return changed;
    }
    return false;
  }

  /**
   * Processes the ACK field and SACK blocks (already as sequence offsets) of an acceptable
   * segment. `pureAck`: no data, SYN or FIN, and the window did not change (RFC 5681 §2).
   */
  onAck(
    ackOff: number,
    sack: readonly { start: number; end: number }[] | null,
    pureAck: boolean,
    now: Time,
  ): AckResult {
    let newSack = 0;
    if (ackOff > this.nxt) this.nxt = ackOff; // a window probe's byte was taken
    if (sack && this.sackEnabled)
      for (const b of sack)
        newSack += this.scoreboard.add(b.start, b.end, Math.max(ackOff, this.una), this.nxt);
    if (ackOff > this.una) return this.onNewAck(ackOff, now);
    const outstanding = this.nxt > this.una;
    // RFC 5681 §2 duplicate ACK; with SACK, new SACK information also makes one (RFC 6675 §2).
    const duplicate = ackOff === this.una && outstanding && (pureAck || newSack > 0);
    if (!duplicate) return { acked: 0, duplicate: false, recoveryEnded: false };
    this.dupAcks++;
    if (this.lossState === 'open' || this.lossState === 'disorder') {
      const lostByDupThresh =
        this.sackEnabled &&
        this.scoreboard.lostBoundary((this.config.dupAckThreshold - 1) * this.mss) > this.una;
      // RFC 6582 §3.2 step 1 / RFC 6675 §5: not again for losses of the previous episode.
      if (
        (this.dupAcks >= this.config.dupAckThreshold || lostByDupThresh) &&
        this.una >= this.recoveryPoint
      ) {
        this.enterRecovery(now);
      } else {
        this.lossState = 'disorder';
      }
    } else if (this.lossState === 'recovery' && !this.sackEnabled) {
      this.cc.cwnd += this.mss; // RFC 6582 §3.2 step 4: inflate by one segment per duplicate
    }
    return { acked: 0, duplicate: true, recoveryEnded: false };
  }

  private enterRecovery(now: Time): void {
    this.recoveryPoint = this.nxt;
    this.cc.onEnterRecovery(this.ctx(now));
    this.lossState = 'recovery';
    this.firstPartialAck = true;
    this.highRxt = this.una;
    if (!this.sackEnabled) this.cc.cwnd = this.cc.ssthresh + 3 * this.mss; // RFC 6582 §3.2 step 2
    this.rtxNow = this.una; // fast retransmit
  }

  private onNewAck(ackOff: number, now: Time): AckResult {
    const acked = ackOff - this.una;
    const sample = this.records.acknowledge(ackOff, now);
    if (sample >= 0) this.rtt.sample(sample);
    this.lastRttSample = sample;
    const dataBefore = this.buffer.head;
    this.una = ackOff;
    this.buffer.release(Math.min(ackOff - 1, this.buffer.tail));
    // Congestion control counts data bytes: the SYN and FIN take sequence space, not room.
    const dataAcked = this.buffer.head - dataBefore;
    this.bytesAcked += dataAcked;
    this.scoreboard.advance(ackOff);
    if (this.highRxt < ackOff) this.highRxt = ackOff;
    this.retries = 0;
    this.dupAcks = 0;
    let recoveryEnded = false;
    switch (this.lossState) {
      case 'recovery':
        if (ackOff >= this.recoveryPoint) {
          this.cc.onExitRecovery(this.ctx(now));
          if (!this.sackEnabled) {
            // RFC 6582 §3.2 step 3, option 1: avoid a burst on exit.
            this.cc.cwnd = Math.min(this.cc.ssthresh, Math.max(this.nxt - this.una, this.mss) + this.mss);
          }
          this.lossState = 'open';
          this.rtxNow = -1;
          recoveryEnded = true;
        } else if (!this.sackEnabled) {
          // Partial ACK (RFC 6582 §3.2 step 5): retransmit the next hole, deflate the window.
          this.rtxNow = ackOff;
          this.cc.cwnd = Math.max(
            this.mss,
            this.cc.cwnd - dataAcked + (dataAcked >= this.mss ? this.mss : 0),
          );
          if (this.firstPartialAck) {
            this.firstPartialAck = false;
            this.rtoAt = now + this.rtt.rto;
          }
        }
        break;
      case 'loss':
        if (dataAcked > 0) this.cc.onAck(dataAcked, this.ctx(now));
        if (ackOff >= this.recoveryPoint) {
          this.lossState = 'open';
          recoveryEnded = true;
        }
        break;
      default:
        this.lossState = 'open';
        if (dataAcked > 0) this.cc.onAck(dataAcked, this.ctx(now));
    }
    // RFC 6298 §5.2-5.3: stop the timer when all is acknowledged, else restart it.
    if (this.una >= this.nxt) this.rtoAt = -1;
    else if (!(this.lossState === 'recovery' && !this.sackEnabled)) this.rtoAt = now + this.rtt.rto;
    if (this.una >= this.probeEnd) this.probeEnd = 0;
    this.persistBackoff = 0;
    return { acked, duplicate: false, recoveryEnded };
  }

  /** The RTT sample the last new ACK produced, or -1. */
  lastRttSample = -1;

  // ---- timers ----------------------------------------------------------------------------

  /**
   * The retransmission timer expired (RFC 6298 §5.4-5.7, RFC 5681 §3.1). Returns false when
   * the retries are exhausted: the connection must give up.
   */
  onRtoExpired(now: Time, maxRetries: number): boolean {
    this.rtoAt = -1;
    if (this.una >= this.nxt) return true;
    if (this.retries >= maxRetries) return false;
    this.cc.onTimeout(this.ctx(now), this.retries === 0);
    this.retries++;
    this.rtt.backOff();
    this.lossState = 'loss';
    this.lossHigh = this.nxt;
    this.recoveryPoint = this.nxt;
    this.highRxt = this.una;
    this.dupAcks = 0;
    this.rtxNow = -1;
    this.records.markAllRetransmitted();
    return true;
  }

  /** Nothing in flight, data waiting, and the peer's window too small to send it. */
  needsPersist(): boolean {
    if (this.nxt > this.una) return false;
    const avail = this.dataEnd - this.nxt;
    if (avail <= 0) return false;
    return this.wnd < Math.min(avail, this.mss);
  }

  /** Arms the persist timer if it is needed and not running. */
  armPersist(now: Time): void {
    if (!this.needsPersist()) {
      this.persistAt = -1;
      return;
    }
    if (this.persistAt >= 0) return;
    const rto = Math.max(this.rtt.rto, this.config.minRto);
    this.persistAt = now + Math.min(rto * 2 ** this.persistBackoff, this.config.maxRto);
  }

  /**
   * The persist timer fired: a window probe, one byte beyond a zero window (RFC 9293
   * §3.8.6.1), or whatever the small window allows (SWS override).
   */
  probe(): SendChoice | null {
    this.persistAt = -1;
    if (!this.needsPersist()) return null;
    this.persistBackoff = Math.min(this.persistBackoff + 1, 16);
    const start = this.nxt;
    if (this.wnd === 0) {
      this.probeEnd = start + 1;
      return { start, length: 1, fin: false, retransmit: 'probe' };
    }
    const len = Math.min(this.wnd, this.dataEnd - start);
    return { start, length: len, fin: false, retransmit: null };
  }

  /** PMTU discovery lowered the MSS (RFC 1191 §6.4): resend what is outstanding in smaller pieces. */
  onMtuReduced(mss: number): void {
    this.mss = mss;
    if (this.nxt > this.una) {
      this.lossState = 'loss';
      this.lossHigh = this.nxt;
      this.recoveryPoint = this.nxt;
      this.highRxt = this.una;
      this.records.markAllRetransmitted();
    }
  }
}
