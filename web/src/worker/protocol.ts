/**
 * Messages between the page and the simulation worker. The page asks (`Request`, each with
 * an id answered by one `Reply`); the worker also pushes `Tick`s while the clock runs and
 * after every action, and `Reloaded` when it has built a new run (a load, a reset, a jump
 * back in time), after which the views fetch everything afresh.
 */
import type { NodeTable } from '../engine/tables.ts';
import type { DropMark, Flight, JobEnd, LinkInfo, PacketRow } from '../engine/lab-engine.ts';
import type { ConversationSummary, Diagram } from '../engine/sequence.ts';
import type { Topology } from '../engine/topology.ts';
import type { Layer } from '../../../src/tools/dissect/types.ts';
import type { OutputLine } from '../../../src/tools/shell/shell.ts';
import type { WaterfallRow } from '../engine/charts.ts';

export interface ScenarioInfo {
  readonly name: string;
  readonly fileName: string;
  readonly description: string;
  readonly descriptionKo: string;
  readonly seed: number;
  /** ns */
  readonly duration: number;
  readonly nodes: number;
  readonly links: number;
  readonly warnings: readonly string[];
  /** Command names the shells know (for completion). */
  readonly commands: readonly string[];
}

export type Request =
  | { readonly type: 'load'; readonly text: string; readonly fileName: string; readonly seed?: number }
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  | { readonly type: 'speed'; readonly speed: number }
  | { readonly type: 'step' }
  | { readonly type: 'seek'; readonly time: number }
  | { readonly type: 'reset'; readonly seed: number }
  | { readonly type: 'shell'; readonly node: string; readonly line: string }
  | { readonly type: 'interrupt'; readonly node: string }
  | {
      readonly type: 'link';
      readonly link: number;
      readonly up?: boolean;
      readonly delay?: number;
      readonly loss?: number;
    }
  | { readonly type: 'node'; readonly node: string; readonly up: boolean }
  | { readonly type: 'rows'; readonly from: number; readonly to: number }
  | { readonly type: 'rowOf'; readonly packet: number }
  | { readonly type: 'filter'; readonly text: string }
  | { readonly type: 'packet'; readonly index: number }
  | { readonly type: 'tables'; readonly node: string }
  | { readonly type: 'linkInfo'; readonly link: number }
  | { readonly type: 'conversations' }
  | {
      readonly type: 'ladder';
      readonly conversation: number;
      readonly offset: number;
      readonly limit: number;
    }
  | { readonly type: 'charts'; readonly links: readonly number[] | null; readonly tcp: string | null }
  | { readonly type: 'pcap' }
  | { readonly type: 'keylog' }
  | { readonly type: 'decrypt'; readonly on: boolean }
  | { readonly type: 'trace' };

export type RequestType = Request['type'];

export interface PacketDetail {
  readonly row: PacketRow;
  readonly layers: readonly Layer[];
  readonly bytes: Uint8Array;
  /** Decrypted TLS records (what layers with a `source` point into). */
  readonly sources: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

export interface ChartData {
  /** Bin width, ns, and bins in use. */
  readonly binWidth: number;
  readonly bins: number;
  /** Bytes sent on each link (both directions), for picking which to plot. */
  readonly totals: readonly number[];
  /** The plotted links: bit/s per bin, per direction. */
  readonly links: readonly { readonly index: number; readonly series: readonly [number[], number[]] }[];
  readonly tcpKeys: readonly string[];
  readonly tcp: {
    readonly key: string;
    readonly cwnd: { t: number[]; v: number[] };
    readonly ssthresh: { t: number[]; v: number[] };
    readonly srtt: { t: number[]; v: number[] };
    readonly rtt: { t: number[]; v: number[] };
  } | null;
  readonly waterfall: readonly WaterfallRow[];
}

/** What each request type answers. */
export interface Replies {
  load:
    | { readonly ok: true; readonly scenario: ScenarioInfo }
    | { readonly ok: false; readonly problems: string[] };
  play: null;
  pause: null;
  speed: null;
  step: { readonly stepped: boolean };
  seek: null;
  reset: null;
  shell: { readonly job: number };
  interrupt: { readonly interrupted: boolean };
  link: null;
  node: null;
  rows: { readonly rows: PacketRow[]; readonly total: number };
  rowOf: { readonly row: number };
  filter: { readonly error: string; readonly at: number } | { readonly count: number };
  packet: PacketDetail | null;
  tables: NodeTable[];
  linkInfo: LinkInfo;
  conversations: ConversationSummary[];
  ladder: Diagram;
  charts: ChartData;
  pcap: { readonly chunks: Uint8Array[]; readonly packets: number; readonly complete: boolean };
  /** The run's NSS key log (tour.keylog) so far. */
  keylog: { readonly text: string; readonly lines: number };
  /** The packets the list shows now (the display filter ran again). */
  decrypt: { readonly visible: number };
  trace: { readonly chunks: string[]; readonly lines: number };
}

export type ReplyMessage =
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

export interface Tick {
  readonly kind: 'tick';
  /** Simulated time, ns; events run; events waiting. */
  readonly now: number;
  readonly events: number;
  readonly pending: number;
  readonly playing: boolean;
  /** The script has ended (the run may go on). */
  readonly ended: boolean;
  /** A jump or an export is replaying the run. */
  readonly busy: boolean;
  readonly speed: number;
  /** Simulated seconds per wall second lately (below `speed` when the simulation cannot keep up). */
  readonly effectiveSpeed: number;
  readonly packets: number;
  /** Packets the list shows (after the display filter). */
  readonly visible: number;
  readonly captureDropped: number;
  readonly output: readonly OutputLine[];
  readonly jobEnds: readonly JobEnd[];
  readonly flights: readonly Flight[];
  readonly flightsSkipped: number;
  readonly drops: readonly DropMark[];
  /** Two per link (a → b, b → a), 0..1, or -1 when no simulated time passed. */
  readonly utilisation: Float32Array;
  /** Present when a link, interface or node changed state. */
  readonly state?: {
    readonly links: readonly boolean[];
    readonly nodes: Readonly<Record<string, boolean>>;
    readonly downIfaces: readonly string[];
  };
}

export interface Reloaded {
  readonly kind: 'reloaded';
  readonly scenario: ScenarioInfo;
  readonly topology: Topology;
  /** Why: a new scenario, a reset with a seed, or a jump back in time (same run replayed). */
  readonly reason: 'load' | 'reset' | 'seek';
}

export type WorkerMessage = ReplyMessage | Tick | Reloaded;
