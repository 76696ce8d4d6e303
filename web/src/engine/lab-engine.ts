/**
 * The lab engine: one scenario run that a person drives — play it to a time, step it
 * event by event, type commands into nodes' shells, cut cables — while the capture, the
 * ladder diagrams, the charts and the link counters fill from the trace. It runs in the
 * web lab's worker and, unchanged, in Node for the tests: no DOM, no timers, no clock but
 * the simulator's.
 *
 * Determinism. Everything a person does is an *action*, recorded in a journal with the
 * exact point of the run it happened at: the number of events executed and the simulated
 * time (and whether the script had ended). Replaying the journal on a fresh run of the
 * same scenario and seed reaches the same state, byte for byte. That is how the lab jumps
 * back in time (a new run replayed up to the chosen instant) and how it exports the trace
 * (a replay with a trace listener, which gives exactly what `netlab run FILE --json
 * --trace all,link.frames` prints). With no actions, the run is the CLI's run.
 *
 * The script's end. When the clock reaches the scenario's duration, the script's commands
 * still running are interrupted, as the CLI does at the end of a run (ping prints its
 * statistics), and the run can go on: commands typed into terminals keep working.
 */
import { NetlabError } from '../../../src/bytes/netlab-error.ts';
import type { Network } from '../../../src/lab/network.ts';
import { ScenarioRun } from '../../../src/lab/run/scenario-run.ts';
import { jsonLine } from '../../../src/lab/run/timeline.ts';
import type { ScenarioSpec } from '../../../src/lab/scenario/spec.ts';
import { wireBytes } from '../../../src/link/ethernet.ts';
import { PointToPointLink } from '../../../src/link/point-to-point.ts';
import { yieldToHost } from '../../../src/sim/macrotask.ts';
import type { Simulator } from '../../../src/sim/simulator.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';
import {
  type Dissection,
  decryptedApplications,
  dissect,
  dissectDecrypted,
  type Http2FrameView,
  http2Headers,
} from '../../../src/tools/dissect/index.ts';
import type { Job, OutputLine } from '../../../src/tools/shell/shell.ts';
import { PcapWriter } from '../../../src/tools/capture/pcap-writer.ts';
import { ChartCollector } from './charts.ts';
import {
  compileDisplayFilter,
  type DisplayFilter,
  isFilterError,
  type PacketMeta,
} from './display-filter.ts';
import { emptyFields, readPacketFields } from './packet-fields.ts';
import { PacketStore, type PacketStoreLimits } from './packet-store.ts';
import { SequenceBuilder } from './sequence.ts';
import { nodeTables, type NodeTable, tablesMutate } from './tables.ts';
import { H2cConnections } from './h2c-connections.ts';
import { TcpConnections } from './tcp-connections.ts';
import { TlsConnections } from './tls-connections.ts';
import { describeTopology, type Topology } from './topology.ts';
// Every layer's trace events, so `e.type` narrows for them here.
import '../../../src/link/trace-events.ts';
import '../../../src/internet/trace-events.ts';
import '../../../src/transport/trace-events.ts';
import '../../../src/application/tls/trace-events.ts';

/** Where in a run something happened: replaying to the same position reaches the same state. */
export interface Position {
  readonly events: number;
  readonly time: number;
  readonly ended: boolean;
}

export type Action =
  | { readonly kind: 'shell'; readonly node: string; readonly line: string }
  | { readonly kind: 'interrupt'; readonly job: number }
  | {
      readonly kind: 'link';
      readonly link: number;
      readonly up?: boolean;
      readonly delay?: number;
      readonly loss?: number;
    }
  | { readonly kind: 'node'; readonly node: string; readonly up: boolean }
  | { readonly kind: 'observe'; readonly node: string };

export interface JournalEntry {
  readonly at: Position;
  readonly action: Action;
}

/** A frame crossing a link, for the animation. `dir` 0 goes from the link's end a to end b. */
export interface Flight {
  readonly link: number;
  readonly dir: 0 | 1;
  readonly t0: number;
  readonly t1: number;
  /** 0 other, 1 ARP, 2 ICMP, 3 UDP, 4 TCP */
  readonly kind: number;
}

export interface DropMark {
  readonly link: number;
  /** Which end of the link dropped it: 0 = a, 1 = b. */
  readonly end: 0 | 1;
  readonly reason: string;
  readonly time: number;
}

export interface PacketRow {
  readonly index: number;
  readonly time: number;
  readonly iface: string;
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
}

export interface LinkInfo {
  readonly index: number;
  readonly name: string;
  readonly kind: 'cable' | 'attachment';
  readonly up: boolean;
  readonly rate: number;
  readonly delay: number;
  readonly loss: number;
  readonly txFrames: readonly [number, number];
  readonly txBytes: readonly [number, number];
  readonly drops: number;
}

export interface JobEnd {
  readonly job: number;
  readonly node: string;
  readonly status: number;
}

export interface EngineOptions {
  readonly seed?: number;
  /** Collect what the views show (capture, ladders, charts, animation). Default true. */
  readonly collect?: boolean;
  readonly capture?: PacketStoreLimits;
  /** Called with every trace event (the trace export). */
  readonly onTrace?: (e: TraceEvent) => void;
  /** Called with every output line as it is printed (besides the engine's own queue). */
  readonly onOutput?: (line: OutputLine) => void;
  /** Decrypt TLS with the run's key log in the list and the inspector. Default true. */
  readonly decryptTls?: boolean;
}

const FLIGHTS_PER_DRAIN = 1500;
const DROPS_PER_DRAIN = 300;

export class LabEngine {
  readonly run: ScenarioRun;
  readonly topology: Topology;
  readonly capture: PacketStore;
  /** The run's key log and the capture's TLS connections decrypted with it. */
  readonly tls: TlsConnections;
  /** The capture's cleartext HTTP/2 connections, their header blocks decoded. */
  readonly h2c: H2cConnections;
  private decrypting: boolean;
  readonly sequence: SequenceBuilder;
  readonly charts: ChartCollector;
  readonly journal: JournalEntry[] = [];
  /** Most journal entries kept (actions past it are refused with a typed error). */
  static readonly MAX_JOURNAL = 100_000;
  ended = false;
  private readonly ifaceIds = new Map<string, number>();
  private readonly ifaceLabels: string[] = [];
  private readonly ifaceNodes: string[] = [];
  /** Per interface id: link index and the direction a frame it sends travels (-1: no link). */
  private readonly ifaceLink: Int32Array;
  private readonly ifaceDir: Uint8Array;
  private readonly ifaceShared: Uint8Array;
  private readonly linksByChannel = new Map<string, number[]>();
  private readonly txFrames: Float64Array;
  private readonly txBytes: Float64Array;
  private readonly busy: Float64Array;
  private readonly linkDrops: Float64Array;
  private busySince = 0;
  private flights: Flight[] = [];
  private flightsSkipped = 0;
  private drops: DropMark[] = [];
  private output: OutputLine[] = [];
  private jobEnds: JobEnd[] = [];
  private readonly jobs = new Map<number, Job>();
  private observed: NodeTable[] = [];
  private stateDirty = true;
  private filter: DisplayFilter | null = null;
  private filterText = '';
  private filtered: Uint32Array | null = null;
  private filteredCount = 0;
  private filteredUpTo = 0;
  private readonly fields = emptyFields();
  private readonly meta: PacketMeta = {
    number: 0,
    time: 0,
    iface: '',
    node: '',
    h2cHeaders: (frames) => this.h2cForFilter(frames),
  };
  /** The packet the filter is testing, for `meta.decrypted`. */
  private filtering = 0;
  private readonly decryptedForFilter = () => {
    const d = this.tls.forPacket(this.filtering);
    return d && decryptedApplications(d.records, d.session, d.headers());
  };
  private readonly h2cForFilter = (frames: readonly Http2FrameView[]) => {
    const ctx = this.h2c.forPacket(this.filtering);
    return ctx && http2Headers({ frames }, ctx);
  };

  constructor(
    readonly spec: ScenarioSpec,
    options: EngineOptions = {},
  ) {
    this.run = new ScenarioRun(spec, {
      seed: options.seed,
      onOutput: (line) => {
        this.output.push(line);
        options.onOutput?.(line);
      },
    });
    const network = this.run.network;
    this.topology = describeTopology(network);
    this.capture = new PacketStore(options.capture);
    const connections = new TcpConnections(this.capture, (iface) => this.ifaceLink[iface] ?? -1);
    this.tls = new TlsConnections(this.capture, connections);
    this.h2c = new H2cConnections(this.capture, connections);
    this.decrypting = options.decryptTls ?? true;
    for (const n of network.nodes()) {
      for (const d of n.devices) {
        this.ifaceIds.set(d.label, this.ifaceLabels.length);
        this.ifaceLabels.push(d.label);
        this.ifaceNodes.push(n.name);
      }
    }
    const count = this.ifaceLabels.length;
    this.ifaceLink = new Int32Array(count).fill(-1);
    this.ifaceDir = new Uint8Array(count);
    this.ifaceShared = new Uint8Array(count);
    this.topology.links.forEach((l, i) => {
      const ends = [l.a, l.b];
      ends.forEach((e, end) => {
        const id = this.ifaceIds.get(`${e.node}:${e.iface}`);
        if (id === undefined) return;
        this.ifaceLink[id] = i;
        this.ifaceDir[id] = end;
        this.ifaceShared[id] = l.kind === 'attachment' ? 1 : 0;
      });
      const name = network.links[i]!.channel.name;
      this.linksByChannel.set(name, [...(this.linksByChannel.get(name) ?? []), i]);
    });
    const links = this.topology.links.length;
    this.txFrames = new Float64Array(links * 2);
    this.txBytes = new Float64Array(links * 2);
    this.busy = new Float64Array(links * 2);
    this.linkDrops = new Float64Array(links);
    const kinds = new Map(spec.nodes.map((n) => [n.name, n.kind as string]));
    this.sequence = new SequenceBuilder({
      owner: (a) => network.hostName(a),
      kind: (n) => kinds.get(n),
    });
    this.charts = new ChartCollector(links, this.run.duration);
    if (options.collect !== false) this.listen();
    if (options.onTrace) this.sim.trace.onAny(options.onTrace);
    this.run.start();
  }

  get sim(): Simulator {
    return this.run.sim;
  }

  get network(): Network {
    return this.run.network;
  }

  get duration(): number {
    return this.run.duration;
  }

  position(): Position {
    return { events: this.sim.eventsExecuted, time: this.sim.now, ended: this.ended };
  }

  // --- driving the clock -------------------------------------------------------------

  /** Runs every event up to `target` (ns); the clock ends at `target`. */
  async advanceTo(target: number): Promise<void> {
    if (!this.ended && target >= this.duration) {
      await this.sim.run(this.duration);
      await this.end();
    }
    if (target > this.sim.now) await this.sim.run(target);
  }

  /**
   * Runs the next event (and the promise continuations it wakes). Reaching the end of the
   * script is a step of its own. Returns false when nothing is left to run.
   */
  async step(): Promise<boolean> {
    if (!this.ended) {
      if (this.sim.step(this.duration)) {
        await yieldToHost();
        return true;
      }
      await this.sim.run(this.duration);
      await this.end();
      return true;
    }
    if (!this.sim.step()) return false;
    await yieldToHost();
    return true;
  }

  /** Reaches `p` exactly, on a run that has not passed it (a replay). */
  async goTo(p: Position): Promise<void> {
    const sim = this.sim;
    if (p.ended && !this.ended) {
      await sim.run(this.duration);
      await this.end();
    }
    if (p.time >= 1 && p.time - 1 > sim.now) await sim.run(p.time - 1);
    while (sim.eventsExecuted < p.events && sim.step()) await yieldToHost();
    if (sim.now < p.time) await sim.run(p.time);
  }

  /** What the end of a CLI run does: Ctrl-C to the script's commands still running. */
  private async end(): Promise<void> {
    this.ended = true;
    for (const s of this.run.startedSteps()) if (!s.job.finished) s.job.interrupt();
    for (let i = 0; i < 20 && this.run.startedSteps().some((s) => !s.job.finished); i++) await yieldToHost();
  }

  // --- actions -------------------------------------------------------------------------

  /** Does what a person did, and journals it so a replay does it at the same point. */
  async apply(action: Action): Promise<{ job?: number }> {
    if (this.journal.length >= LabEngine.MAX_JOURNAL)
      throw new NetlabError(
        'journal-full',
        `at most ${LabEngine.MAX_JOURNAL} actions per run; reset to go on`,
      );
    const at = this.position();
    const result = this.perform(action);
    this.journal.push({ at, action });
    // Let what the action woke run now, at this instant, before any later event.
    await yieldToHost();
    return result;
  }

  /**
   * A fresh run of the same scenario and seed with `journal` replayed: up to the exact
   * position `until`, or (given only a time) up to that time, as `advanceTo` would go.
   */
  static async replay(
    spec: ScenarioSpec,
    journal: readonly JournalEntry[],
    until: Position | { readonly time: number },
    options: EngineOptions = {},
  ): Promise<LabEngine> {
    const e = new LabEngine(spec, options);
    const exact = 'events' in until;
    for (const j of journal) {
      if (exact ? !before(j.at, until) : j.at.time > until.time) break;
      await e.goTo(j.at);
      await e.apply(j.action);
    }
    if (exact) await e.goTo(until);
    else await e.advanceTo(until.time);
    return e;
  }

  private perform(action: Action): { job?: number } {
    const run = this.run;
    switch (action.kind) {
      case 'shell': {
        const job = run.shell(action.node).run(action.line);
        this.jobs.set(job.id, job);
        void job.done.then((status) => {
          this.jobEnds.push({ job: job.id, node: action.node, status });
        });
        return { job: job.id };
      }
      case 'interrupt':
        this.jobs.get(action.job)?.interrupt();
        return {};
      case 'node':
        run.lab.run(`node ${action.up ? 'up' : 'down'} ${action.node}`);
        this.stateDirty = true;
        return {};
      case 'observe':
        this.observed = nodeTables(this.network.requireNode(action.node));
        return {};
      case 'link': {
        const built = this.network.links[action.link];
        const t = this.topology.links[action.link];
        if (!built || !t) throw new NetlabError('no-such-link', `no link ${action.link}`);
        if (action.up !== undefined) {
          if (t.kind === 'attachment')
            throw new NetlabError(
              'not-a-cable',
              `${built.channel.name} is a tap on a shared medium, not a cable`,
            );
          run.lab.run(`link ${action.up ? 'up' : 'down'} ${t.a.node}:${t.a.iface} ${t.b.node}:${t.b.iface}`);
        }
        if (action.delay !== undefined || action.loss !== undefined) {
          const ch = built.channel;
          if (!(ch instanceof PointToPointLink))
            throw new NetlabError(
              'not-a-cable',
              `${ch.name} is a shared medium; its numbers are the medium's`,
            );
          if (action.delay !== undefined) {
            if (!(Number.isFinite(action.delay) && action.delay >= 0 && Number.isInteger(action.delay)))
              throw new NetlabError(
                'bad-link',
                `delay must be a whole number of ns >= 0, got ${action.delay}`,
              );
            ch.delay = action.delay;
          }
          if (action.loss !== undefined) {
            if (!(action.loss >= 0 && action.loss <= 1))
              throw new NetlabError('bad-link', `loss must be in [0, 1], got ${action.loss}`);
            ch.loss = action.loss;
          }
          this.output.push({
            time: this.sim.now,
            stream: 'out',
            text: `# ${ch.name}: delay ${ch.delay / 1e6} ms, loss ${+(ch.loss * 100).toFixed(4)}%`,
            job: 0,
          });
        }
        this.stateDirty = true;
        return {};
      }
    }
  }

  // --- what the views read -------------------------------------------------------------

  /** Output lines printed since the last call. */
  drainOutput(): OutputLine[] {
    const out = this.output;
    this.output = [];
    return out;
  }

  drainJobEnds(): JobEnd[] {
    const out = this.jobEnds;
    this.jobEnds = [];
    return out;
  }

  /** Frames that started crossing links since the last call (at most 1500; the count of the rest). */
  drainFlights(): { flights: Flight[]; skipped: number } {
    const out = { flights: this.flights, skipped: this.flightsSkipped };
    this.flights = [];
    this.flightsSkipped = 0;
    return out;
  }

  drainDrops(): DropMark[] {
    const out = this.drops;
    this.drops = [];
    return out;
  }

  /**
   * How busy each link direction was since the last call: the fraction of the simulated
   * time elapsed that it spent serialising frames (0..1), two numbers per link.
   */
  drainUtilisation(): Float32Array {
    const elapsed = this.sim.now - this.busySince;
    const out = new Float32Array(this.busy.length);
    if (elapsed > 0) {
      for (let i = 0; i < out.length; i++) out[i] = Math.min(1, this.busy[i]! / elapsed);
      this.busy.fill(0);
      this.busySince = this.sim.now;
    } else out.fill(-1);
    return out;
  }

  /** Whether a link, interface or node changed state since the last call. */
  takeStateChange(): boolean {
    const d = this.stateDirty;
    this.stateDirty = false;
    return d;
  }

  linkStates(): boolean[] {
    return this.network.links.map((l) => l.channel.up);
  }

  nodeStates(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const n of this.network.nodes()) out[n.name] = n.up;
    return out;
  }

  /** Interfaces administratively down or on a dead node: `node:iface`. */
  downInterfaces(): string[] {
    const out: string[] = [];
    for (const n of this.network.nodes()) for (const d of n.devices) if (!d.up) out.push(d.label);
    return out;
  }

  linkInfo(index: number): LinkInfo {
    const built = this.network.links[index];
    const t = this.topology.links[index];
    if (!built || !t) throw new NetlabError('no-such-link', `no link ${index}`);
    const ch = built.channel;
    return {
      index,
      name: ch.name,
      kind: t.kind,
      up: ch.up,
      rate: ch.rate,
      delay: ch.delay,
      loss: ch instanceof PointToPointLink ? ch.loss : t.loss,
      txFrames: [this.txFrames[index * 2]!, this.txFrames[index * 2 + 1]!],
      txBytes: [this.txBytes[index * 2]!, this.txBytes[index * 2 + 1]!],
      drops: this.linkDrops[index]!,
    };
  }

  /** The node's tables; reading a table that changes state is journaled (see tables.ts). */
  async tables(nodeName: string): Promise<NodeTable[]> {
    const node = this.network.requireNode(nodeName);
    if (!tablesMutate(node)) return nodeTables(node);
    // The read itself changes the state: make it an action, so a replay reads at the same point.
    await this.apply({ kind: 'observe', node: nodeName });
    return this.observed;
  }

  /** Jobs started from terminals that are still running, by node. */
  runningJobs(node: string): number[] {
    return [...this.jobs.values()].filter((j) => j.node === node && !j.finished).map((j) => j.id);
  }

  // --- capture -------------------------------------------------------------------------

  ifaceLabel(id: number): string {
    return this.ifaceLabels[id] ?? '?';
  }

  /** Sets the packet list's display filter; returns the error, or the number of matches. */
  setFilter(text: string): { error: string; at: number } | { count: number } {
    const f = compileDisplayFilter(text);
    if (isFilterError(f)) return f;
    this.filterText = text;
    this.filter = f;
    this.filtered = f === null ? null : new Uint32Array(1024);
    this.filteredCount = 0;
    this.filteredUpTo = 0;
    this.updateFilter();
    return { count: this.visibleCount() };
  }

  get filterExpression(): string {
    return this.filterText;
  }

  /** Packets the list shows (all, or those matching the filter). Brings the filter up to date. */
  visibleCount(): number {
    this.updateFilter();
    return this.filtered === null ? this.capture.count : this.filteredCount;
  }

  /** Rows `from` .. `to` (exclusive) of the list as it is filtered. */
  rows(from: number, to: number): PacketRow[] {
    const n = this.visibleCount();
    const out: PacketRow[] = [];
    for (let r = Math.max(0, from); r < Math.min(to, n); r++) {
      const i = this.filtered === null ? r : this.filtered[r]!;
      out.push(this.row(i));
    }
    return out;
  }

  /** Where packet `index` is in the filtered list, or -1 when the filter hides it. */
  rowOf(index: number): number {
    this.updateFilter();
    if (this.filtered === null) return index < this.capture.count ? index : -1;
    let lo = 0;
    let hi = this.filteredCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.filtered[mid]!;
      if (v === index) return mid;
      if (v < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Whether the list, the inspector and the display filter see what the key log decrypts
   * (an eavesdropper's view when off). Changing it filters the capture again.
   */
  get decryptTls(): boolean {
    return this.decrypting;
  }

  set decryptTls(on: boolean) {
    if (on === this.decrypting) return;
    this.decrypting = on;
    if (this.filter !== null) {
      this.filteredCount = 0;
      this.filteredUpTo = 0;
      this.updateFilter();
    }
  }

  /** Packet `i` dissected, with what the key log decrypts when decryption is on. */
  dissection(i: number): Dissection {
    const frame = this.capture.frame(i);
    const tls = this.decryptTls ? this.tls.forPacket(i) : undefined;
    return tls === undefined
      ? dissect(frame, this.h2c.forPacket(i))
      : dissectDecrypted(frame, tls.records, tls.session, tls.headers());
  }

  /** The inspector's view of packet `i`: its row, layers, a copy of its bytes and of the decrypted ones. */
  inspect(i: number): {
    row: PacketRow;
    layers: Dissection['layers'];
    bytes: Uint8Array;
    sources: { name: string; bytes: Uint8Array }[];
  } {
    const d = this.dissection(i);
    return {
      row: this.rowFrom(i, d),
      layers: d.layers,
      bytes: this.capture.frame(i).slice(),
      sources: (d.sources ?? []).map((s) => ({ name: s.name, bytes: s.bytes.slice() })),
    };
  }

  row(i: number): PacketRow {
    return this.rowFrom(i, this.dissection(i));
  }

  private rowFrom(i: number, d: Dissection): PacketRow {
    return {
      index: i,
      time: this.capture.time(i),
      iface: this.ifaceLabel(this.capture.iface(i)),
      source: d.source,
      destination: d.destination,
      protocol: d.protocol,
      length: this.capture.length(i),
      info: d.info,
    };
  }

  /** The whole capture as a pcap file, in chunks of about 1 MiB. */
  pcapChunks(): Uint8Array[] {
    const out: Uint8Array[] = [];
    let batch: Uint8Array[] = [];
    let size = 0;
    const flush = () => {
      if (batch.length === 0) return;
      const b = new Uint8Array(size);
      let o = 0;
      for (const c of batch) {
        b.set(c, o);
        o += c.length;
      }
      out.push(b);
      batch = [];
      size = 0;
    };
    const writer = new PcapWriter((c) => {
      batch.push(c);
      size += c.length;
      if (size >= 1 << 20) flush();
    });
    for (let i = 0; i < this.capture.count; i++) writer.write(this.capture.time(i), this.capture.frame(i));
    flush();
    return out;
  }

  private updateFilter(): void {
    const f = this.filter;
    if (f === null) return;
    const store = this.capture;
    const n = store.count;
    if (this.decrypting) this.meta.decrypted = this.decryptedForFilter;
    else delete this.meta.decrypted;
    for (let i = this.filteredUpTo; i < n; i++) {
      readPacketFields(store.frame(i), this.fields);
      this.filtering = i;
      const iface = store.iface(i);
      this.meta.number = i + 1;
      this.meta.time = store.time(i) / 1e9;
      this.meta.iface = this.ifaceLabels[iface] ?? '';
      this.meta.node = this.ifaceNodes[iface] ?? '';
      if (f(this.fields, this.meta)) {
        if (this.filteredCount === this.filtered!.length) {
          const bigger = new Uint32Array(this.filtered!.length * 2);
          bigger.set(this.filtered!);
          this.filtered = bigger;
        }
        this.filtered![this.filteredCount++] = i;
      }
    }
    this.filteredUpTo = n;
  }

  // --- the trace -----------------------------------------------------------------------

  private listen(): void {
    const trace = this.sim.trace;
    trace.on('link.tx', (e) => {
      const id = this.ifaceIds.get(`${e.node}:${e.iface}`) ?? -1;
      const packet = this.capture.add(e.time, Math.max(0, id), e.frame);
      const f = readPacketFields(e.frame, this.fields);
      const kind = f.arp ? 1 : f.icmp ? 2 : f.udp ? 3 : f.tcp ? 4 : 0;
      this.sequence.onTx(packet, e.time, e.node, e.frame, f);
      if (id < 0) return;
      const link = this.ifaceLink[id]!;
      if (link < 0) return;
      const dir = this.ifaceDir[id] as 0 | 1;
      const ch = this.network.links[link]!.channel;
      const ser = Math.round((wireBytes(e.frame.length) * 8e9) / ch.rate);
      const k = link * 2 + dir;
      this.txFrames[k]!++;
      this.txBytes[k]! += e.frame.length;
      this.busy[k]! += ser;
      this.charts.onTx(link, dir, e.time, e.frame.length);
      this.addFlight(link, dir, e.time, e.time + ser + ch.delay, kind);
    });
    trace.on('link.rx', (e) => {
      this.sequence.onRx(e.time, e.node, e.frame);
      const id = this.ifaceIds.get(`${e.node}:${e.iface}`);
      if (id === undefined || this.ifaceShared[id] === 0) return;
      // On a shared medium, show the frame reaching each station from the medium.
      const link = this.ifaceLink[id]!;
      const ch = this.network.links[link]!.channel;
      const span = Math.round((wireBytes(e.frame.length) * 8e9) / ch.rate) + ch.delay;
      const f = readPacketFields(e.frame, this.fields);
      this.addFlight(
        link,
        this.ifaceDir[id] === 0 ? 1 : 0,
        e.time - span,
        e.time,
        f.arp ? 1 : f.icmp ? 2 : f.udp ? 3 : f.tcp ? 4 : 0,
      );
    });
    trace.on('link.drop', (e) => {
      this.sequence.onDrop(e.reason, e.frame);
      const id = this.ifaceIds.get(`${e.node}:${e.iface}`);
      if (id === undefined) return;
      const link = this.ifaceLink[id]!;
      if (link < 0) return;
      this.linkDrops[link]!++;
      if (this.drops.length < DROPS_PER_DRAIN)
        this.drops.push({ link, end: this.ifaceDir[id] as 0 | 1, reason: e.reason, time: e.time });
    });
    const dirty = () => {
      this.stateDirty = true;
    };
    trace.on('tls.keylog', (e) => this.tls.addKeyLogLine(e.line));
    trace.on('link.state', dirty);
    trace.on('link.iface', dirty);
    trace.on('node.state', dirty);
    trace.onAny((e) => {
      const t = e.type;
      if (t === 'link.tx' || t === 'link.rx' || t === 'link.drop') return;
      this.sequence.onEvent(e);
      this.charts.onEvent(e);
    });
  }

  private addFlight(link: number, dir: 0 | 1, t0: number, t1: number, kind: number): void {
    if (this.flights.length >= FLIGHTS_PER_DRAIN) {
      this.flightsSkipped++;
      return;
    }
    this.flights.push({ link, dir, t0, t1, kind });
  }
}

/** Whether a journal entry at `a` comes no later than the position `b`. */
function before(a: Position, b: Position): boolean {
  if (a.time !== b.time) return a.time < b.time;
  return a.events <= b.events;
}

/** A trace event as `netlab run --json --trace` prints it: frames become their length. */
export function traceJson(e: TraceEvent): string {
  const out: Record<string, unknown> = { trace: e.type, t: e.time };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'type' || k === 'time') continue;
    out[k] = v instanceof Uint8Array ? { bytes: v.length } : v;
  }
  return JSON.stringify(out);
}

/** An output line as `netlab run --json` prints it. */
export const outputJson: (line: OutputLine) => string = jsonLine;
