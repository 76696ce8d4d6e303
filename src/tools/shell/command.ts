/**
 * What a shell command is and what it may touch. The same commands run from scenario
 * scripts, the CLI and the web lab's per-node terminals.
 *
 * A command runs in simulated time: it may schedule events and await simulated promises,
 * and prints through `ctx.out`, each line stamped with the simulated time it was printed.
 * When a run ends (or the user presses Ctrl-C in a terminal) `interrupt` handlers fire, so
 * `ping` prints its statistics just as it does on SIGINT.
 */
import type { Channel } from '../../link/channel.ts';
import type { Node } from '../../link/node.ts';
import type { Simulator } from '../../sim/simulator.ts';

/** The lab as tools see it: names to nodes, links between nodes, names to addresses. */
export interface NetworkView {
  readonly sim: Simulator;
  node(name: string): Node | undefined;
  nodes(): readonly Node[];
  /**
   * The cable joining two nodes directly (optionally pinned to their interfaces), if
   * exactly one matches; a station's attachment to a hub or bus is not a cable.
   */
  linkBetween(a: string, b: string, aInterface?: string, bInterface?: string): Channel | undefined;
  /** A node's primary address, for commands given a node name instead of an address (like /etc/hosts). */
  hostAddress(name: string): number | undefined;
  /** A node's name for an address, for output that shows names. */
  hostName(address: number): string | undefined;
}

export interface CommandContext {
  readonly sim: Simulator;
  readonly network: NetworkView;
  /** The node the command runs on; undefined for lab-level commands (`link down A B`). */
  readonly node: Node | undefined;
  /** Prints a line to standard output. */
  out(line: string): void;
  /** Prints a line to standard error. */
  err(line: string): void;
  /** Registers what to do on Ctrl-C / end of run. Returns a function that unregisters it. */
  onInterrupt(fn: () => void): () => void;
  /** Files the command may write (`tcpdump -w FILE`); shared by the lab's shells. */
  readonly files: Map<string, Uint8Array>;
  /** Starts another command line in the same shell (as `&` would), e.g. from `help`. */
  run(line: string): { readonly done: Promise<number> };
}

export interface Command {
  readonly name: string;
  /** One line for `help`. */
  readonly summary: string;
  /** Whether it needs a node (most do); lab commands do not. */
  readonly scope: 'node' | 'lab';
  /** Runs the command; resolves with its exit status (0 = success). */
  run(argv: readonly string[], ctx: CommandContext): Promise<number>;
}
