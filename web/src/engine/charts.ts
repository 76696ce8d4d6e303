/**
 * What the charts plot, collected from the trace as the run goes:
 *
 * - Throughput per link and direction: bytes of frames sent (`link.tx`), in time bins
 *   (series.ts keeps the whole run in at most 1000 bins). The chart's bit/s are frame bits
 *   (Ethernet header included, preamble and gap not), as Wireshark's I/O graph counts.
 * - TCP congestion window, slow-start threshold and RTT per connection, from 'tcp.cwnd'
 *   and 'tcp.rtt' (the sender's view; each side of a connection is its own series).
 * - The page-load waterfall: every HTTP exchange a client made, with the TCP connect that
 *   opened its connection ('tcp.state' SYN-SENT → ESTABLISHED), the request and the
 *   complete response ('http.request', 'http.response' on the client side).
 *
 * Events are read by name, so the charts fill in as soon as a layer emits them.
 * Limits: 1000 bins per link direction; 4000 points per TCP series; 2000 connections;
 * 5000 waterfall rows.
 */
import type { TraceEvent } from '../../../src/sim/trace.ts';
import { BinnedCounters, PointSeries } from './series.ts';

export interface TcpSeries {
  readonly key: string;
  readonly node: string;
  readonly local: string;
  readonly remote: string;
  readonly cwnd: PointSeries;
  readonly ssthresh: PointSeries;
  readonly srtt: PointSeries;
  readonly rtt: PointSeries;
}

export interface WaterfallRow {
  readonly node: string;
  readonly connection: number;
  readonly exchange: number;
  readonly peer: string;
  readonly method: string;
  readonly target: string;
  status: number;
  readonly connectStart: number | null;
  readonly connectEnd: number | null;
  readonly requestStart: number;
  done: number | null;
}

const MAX_CONNECTIONS = 2000;
const MAX_WATERFALL = 5000;
const MAX_CONNECTS = 10_000;

export class ChartCollector {
  readonly throughput: BinnedCounters;
  readonly tcp = new Map<string, TcpSeries>();
  readonly waterfall: WaterfallRow[] = [];
  private readonly connects = new Map<string, { start: number; end: number | null }>();
  private readonly httpConnections = new Map<
    string,
    { peer: string; start: number | null; end: number | null }
  >();

  constructor(links: number, duration: number) {
    // About 1000 bins over the scenario's duration, then coarser if the run goes on.
    this.throughput = new BinnedCounters(Math.max(1, links * 2), Math.max(1000, Math.ceil(duration / 1000)));
  }

  /** A frame of `bytes` left on `link` in direction `dir` (0: a → b, 1: b → a). */
  onTx(link: number, dir: 0 | 1, time: number, bytes: number): void {
    this.throughput.add(link * 2 + dir, time, bytes);
  }

  onEvent(e: TraceEvent): void {
    const r = e as unknown as Record<string, unknown>;
    const type = e.type as string;
    switch (type) {
      case 'tcp.cwnd':
      case 'tcp.rtt': {
        const s = this.series(r);
        if (!s) return;
        if (type === 'tcp.cwnd') {
          s.cwnd.add(e.time, Number(r.cwnd));
          s.ssthresh.add(e.time, Number(r.ssthresh));
        } else {
          s.rtt.add(e.time, Number(r.sample));
          s.srtt.add(e.time, Number(r.srtt));
        }
        return;
      }
      case 'tcp.state': {
        const key = `${String(r.node)}>${endpoint(r.remote)}`;
        if (r.to === 'SYN-SENT') {
          if (this.connects.size >= MAX_CONNECTS)
            this.connects.delete(this.connects.keys().next().value as string);
          this.connects.set(key, { start: e.time, end: null });
        } else if (r.to === 'ESTABLISHED') {
          const c = this.connects.get(key);
          if (c && c.end === null) c.end = e.time;
        }
        return;
      }
      case 'http.connection': {
        if (r.side !== 'client' || r.phase !== 'open') return;
        const peer = String(r.peer);
        const c = this.connects.get(`${String(r.node)}>${peer}`);
        this.httpConnections.set(`${String(r.node)}#${String(r.connection)}`, {
          peer,
          start: c?.start ?? null,
          end: c?.end ?? null,
        });
        return;
      }
      case 'http.request': {
        if (r.side !== 'client' || this.waterfall.length >= MAX_WATERFALL) return;
        const conn = this.httpConnections.get(`${String(r.node)}#${String(r.connection)}`);
        const first = Number(r.exchange) === 1;
        this.waterfall.push({
          node: String(r.node),
          connection: Number(r.connection),
          exchange: Number(r.exchange),
          peer: conn?.peer ?? '',
          method: String(r.method),
          target: String(r.target),
          status: 0,
          connectStart: first ? (conn?.start ?? null) : null,
          connectEnd: first ? (conn?.end ?? null) : null,
          requestStart: e.time,
          done: null,
        });
        return;
      }
      case 'http.response': {
        if (r.side !== 'client') return;
        for (let i = this.waterfall.length - 1; i >= 0; i--) {
          const w = this.waterfall[i]!;
          if (w.node === r.node && w.connection === r.connection && w.exchange === r.exchange) {
            w.status = Number(r.status);
            w.done = e.time;
            return;
          }
        }
        return;
      }
      default:
        return;
    }
  }

  private series(r: Record<string, unknown>): TcpSeries | undefined {
    const local = endpoint(r.local);
    const remote = endpoint(r.remote);
    const key = `${String(r.node)} ${local} → ${remote}`;
    let s = this.tcp.get(key);
    if (!s) {
      if (this.tcp.size >= MAX_CONNECTIONS) return undefined;
      s = {
        key,
        node: String(r.node),
        local,
        remote,
        cwnd: new PointSeries(),
        ssthresh: new PointSeries(),
        srtt: new PointSeries(),
        rtt: new PointSeries(),
      };
      this.tcp.set(key, s);
    }
    return s;
  }
}

function endpoint(e: unknown): string {
  if (e && typeof e === 'object' && 'address' in e && 'port' in e) {
    const x = e as { address: unknown; port: unknown };
    return `${String(x.address)}:${String(x.port)}`;
  }
  return String(e);
}
