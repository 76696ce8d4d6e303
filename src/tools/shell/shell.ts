/**
 * The shell: what runs a command line on a node (or on the lab) in simulated time. The
 * same shell serves scenario scripts, the CLI and the web lab's per-node terminals.
 *
 * A command line is split into words (tokenize.ts, POSIX quoting), the first word picks a
 * command from the registry, and the command runs as a job: its output lines are stamped
 * with the simulated instant they were printed and handed to the shell's sink, and its
 * exit status settles the job. Several jobs may run at once on one node (a `tcpdump` and
 * a `ping`, as with `&` in a real shell).
 *
 * Errors follow bash: an unknown command prints `NAME: command not found` and exits 127;
 * a command that throws (a bug, not bad input) prints its message and exits 1, so one
 * broken command never stops a run.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { Node } from '../../link/node.ts';
import type { Time } from '../../sim/time.ts';
import type { Command, CommandContext, NetworkView } from './command.ts';
import { tokenize } from './tokenize.ts';

/** One line a job printed. */
export interface OutputLine {
  readonly time: Time;
  /** The node whose shell printed it; undefined for the lab. */
  readonly node?: string;
  /** `cmd` is the command line itself, as a prompt would show it. */
  readonly stream: 'cmd' | 'out' | 'err';
  readonly text: string;
  /** Which job printed it (shell-wide counter, from 1). */
  readonly job: number;
}

/** A running (or finished) command. */
export interface Job {
  readonly id: number;
  readonly line: string;
  readonly node?: string;
  readonly startedAt: Time;
  /** The exit status, once the command has finished. */
  readonly done: Promise<number>;
  readonly finished: boolean;
  /** Ctrl-C: the command stops and prints what it prints on SIGINT. */
  interrupt(): void;
}

export type CommandRegistry = ReadonlyMap<string, Command>;

export function commandRegistry(commands: readonly Command[]): CommandRegistry {
  const map = new Map<string, Command>();
  for (const c of commands) {
    if (map.has(c.name)) throw new NetlabError('duplicate-command', `two commands are named ${c.name}`);
    map.set(c.name, c);
  }
  return map;
}

/**
 * What every shell of one lab shares: the network, the commands, where output goes, the
 * files commands write (`tcpdump -w`: name → bytes; the CLI saves them to disk) and the
 * job counter.
 */
export class ShellEnvironment {
  readonly files = new Map<string, Uint8Array>();
  private jobs = 0;

  constructor(
    readonly network: NetworkView,
    readonly commands: CommandRegistry,
    readonly sink: (line: OutputLine) => void,
  ) {}

  nextJobId(): number {
    return ++this.jobs;
  }
}

export class Shell {
  private readonly running = new Set<JobImpl>();

  constructor(
    readonly env: ShellEnvironment,
    /** The node this shell runs on; undefined for the lab's own shell. */
    readonly node: Node | undefined,
  ) {}

  /** Jobs still running, oldest first. */
  jobs(): Job[] {
    return [...this.running];
  }

  /** Starts `line` as a job. Never throws on user input. */
  run(line: string): Job {
    const sim = this.env.network.sim;
    const job = new JobImpl(this.env.nextJobId(), line, this.node?.name, sim.now);
    this.running.add(job);
    this.env.sink({ time: sim.now, node: this.node?.name, stream: 'cmd', text: line, job: job.id });
    const print = (stream: 'out' | 'err', text: string): void => {
      for (const part of text.split('\n')) {
        this.env.sink({ time: sim.now, node: this.node?.name, stream, text: part, job: job.id });
      }
    };
    const ctx: CommandContext = {
      sim,
      network: this.env.network,
      node: this.node,
      files: this.env.files,
      out: (text) => print('out', text),
      err: (text) => print('err', text),
      onInterrupt: (fn) => job.addInterruptHandler(fn),
      run: (sub) => this.run(sub),
    };
    const finish = (status: number): number => {
      this.running.delete(job);
      job.finish(status);
      return status;
    };
    // The command is async: let its continuations run at this instant.
    sim.wake();
    job.done = this.start(line, ctx, print).then(finish, (e: unknown) => {
      print('err', `${commandName(line)}: ${e instanceof Error ? e.message : String(e)}`);
      return finish(1);
    });
    return job;
  }

  /** Ctrl-C to every running job (the end of a run does this). */
  interruptAll(): void {
    for (const j of [...this.running]) j.interrupt();
  }

  private async start(
    line: string,
    ctx: CommandContext,
    print: (stream: 'out' | 'err', text: string) => void,
  ): Promise<number> {
    const argv = tokenize(line);
    if (argv instanceof ProtocolError) {
      print('err', `netlab: ${argv.message}`);
      return 2;
    }
    if (argv.length === 0) return 0;
    const name = argv[0]!;
    const command = this.env.commands.get(name);
    if (!command) {
      print('err', `${name}: command not found`);
      return 127;
    }
    if (command.scope === 'node' && !this.node) {
      print('err', `${name}: runs on a node; give the step a node (node: NAME)`);
      return 2;
    }
    return command.run(argv.slice(1), ctx);
  }
}

function commandName(line: string): string {
  return line.trim().split(/\s+/)[0] ?? 'netlab';
}

class JobImpl implements Job {
  done: Promise<number> = Promise.resolve(0);
  finished = false;
  status = -1;
  private handlers: (() => void)[] = [];
  private interrupted = false;

  constructor(
    readonly id: number,
    readonly line: string,
    readonly node: string | undefined,
    readonly startedAt: Time,
  ) {}

  addInterruptHandler(fn: () => void): () => void {
    if (this.interrupted) {
      fn();
      return () => {};
    }
    this.handlers.push(fn);
    return () => {
      this.handlers = this.handlers.filter((h) => h !== fn);
    };
  }

  interrupt(): void {
    if (this.interrupted || this.finished) return;
    this.interrupted = true;
    const hs = this.handlers;
    this.handlers = [];
    for (const h of hs) h();
  }

  finish(status: number): void {
    this.finished = true;
    this.status = status;
    this.handlers = [];
  }
}
