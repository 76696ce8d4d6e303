/** What the views share: the worker, the loaded scenario, the last tick, the selection. */
import type { OutputLine } from '../../../src/tools/shell/shell.ts';
import type { Topology } from '../engine/topology.ts';
import type { ScenarioInfo, Tick } from '../worker/protocol.ts';
import type { LabClient } from './client.ts';
import { Emitter } from './dom.ts';
import type { Selection } from './topology-view.ts';

/** Lines kept per node for terminals opened later, and for the timeline. */
const CONSOLE_LINES = 2000;
const TIMELINE_LINES = 20_000;

export class LabContext {
  scenario: ScenarioInfo | null = null;
  topology: Topology | null = null;
  /** The scenario's YAML, as loaded (the editor shows it). */
  source = '';
  lastTick: Tick | null = null;
  /** Link, interface and node states as of the last tick that reported them. */
  state: NonNullable<Tick['state']> | null = null;
  selection: Selection | null = null;
  readonly consoles = new Map<string, OutputLine[]>();
  /**
   * Jobs typed into a terminal while the clock was stopped: the clock was started for
   * them, and stops again when the last of them has finished.
   */
  readonly autoPlayJobs = new Set<number>();
  readonly timeline: OutputLine[] = [];
  readonly selected = new Emitter<Selection | null>();
  /** Asks the packets view to show and select a packet (from the ladder). */
  readonly showPacket = new Emitter<number>();
  /** Something went wrong that the person should see. */
  readonly notice = new Emitter<string>();

  constructor(readonly client: LabClient) {}

  select(s: Selection | null): void {
    this.selection = s;
    this.selected.emit(s);
  }

  /** Keeps output for terminals and the timeline; bounded. */
  record(lines: readonly OutputLine[]): void {
    for (const l of lines) {
      this.timeline.push(l);
      const node = l.node ?? '';
      let c = this.consoles.get(node);
      if (!c) {
        c = [];
        this.consoles.set(node, c);
      }
      c.push(l);
      if (c.length > CONSOLE_LINES * 1.5) c.splice(0, c.length - CONSOLE_LINES);
    }
    if (this.timeline.length > TIMELINE_LINES * 1.5)
      this.timeline.splice(0, this.timeline.length - TIMELINE_LINES);
  }

  clearOutput(): void {
    this.consoles.clear();
    this.timeline.length = 0;
  }
}
