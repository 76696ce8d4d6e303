/**
 * Runs a scenario: builds its network, gives every node a shell, starts each script step
 * at its time, and stops the clock at the scenario's duration. At the end every command
 * still running is interrupted as Ctrl-C would (a `ping` prints its statistics, a
 * `tcpdump` its counts), and what each step printed and returned is collected.
 *
 * Output lines reach `onOutput` as they are printed, stamped with simulated time, so the
 * CLI can stream them; everything is also kept in the result. The same spec and seed give
 * the same output, byte for byte.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { yieldToHost } from '../../sim/macrotask.ts';
import type { Time } from '../../sim/time.ts';
import { builtinCommands } from '../../tools/commands/index.ts';
import {
  type CommandRegistry,
  type Job,
  type OutputLine,
  Shell,
  ShellEnvironment,
} from '../../tools/shell/shell.ts';
import { Network } from '../network.ts';
import type { ScenarioSpec, ScriptStep } from '../scenario/spec.ts';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Overrides the scenario's duration. */
  readonly duration?: Time;
  /** Called with every line as it is printed. */
  readonly onOutput?: (line: OutputLine) => void;
  /** The commands the shells know (default: the built-in ones). */
  readonly commands?: CommandRegistry;
}

export interface StepRecord {
  readonly step: ScriptStep;
  readonly job: number;
  /** Exit status; null when the command did not finish even after the interrupt. */
  readonly status: number | null;
  /** Still running when the run ended (and was interrupted). */
  readonly interrupted: boolean;
}

export interface RunResult {
  readonly output: readonly OutputLine[];
  readonly steps: readonly StepRecord[];
  /** Files commands wrote (`tcpdump -w`, `capture`). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly endTime: Time;
}

/** How many host-loop turns a command gets to finish after the end-of-run interrupt. */
const SETTLE_TURNS = 20;

export class ScenarioRun {
  readonly spec: ScenarioSpec;
  readonly network: Network;
  readonly env: ShellEnvironment;
  readonly lab: Shell;
  private readonly shells = new Map<string, Shell>();
  private readonly output: OutputLine[] = [];
  private readonly scriptJobs: { step: ScriptStep; job: Job }[] = [];
  private started = false;

  constructor(
    spec: ScenarioSpec,
    private readonly options: RunOptions = {},
  ) {
    this.spec = options.seed === undefined ? spec : { ...spec, seed: options.seed };
    this.network = new Network(this.spec);
    this.env = new ShellEnvironment(this.network, options.commands ?? builtinCommands(), (line) => {
      this.output.push(line);
      options.onOutput?.(line);
    });
    this.lab = new Shell(this.env, undefined);
  }

  get sim() {
    return this.network.sim;
  }

  get duration(): Time {
    return this.options.duration ?? this.spec.duration;
  }

  /** The shell of a node (created on first use). */
  shell(nodeName: string): Shell {
    let s = this.shells.get(nodeName);
    if (!s) {
      s = new Shell(this.env, this.network.requireNode(nodeName));
      this.shells.set(nodeName, s);
    }
    return s;
  }

  /**
   * Schedules the script's steps without running the clock, for callers that drive `sim`
   * themselves (the web lab steps it event by event or runs it to a chosen time). `run()`
   * calls it; a run is started once, by one or the other.
   */
  start(): void {
    if (this.started) throw new NetlabError('run-twice', 'a ScenarioRun runs once; make a new one');
    this.started = true;
    for (const step of this.spec.script) {
      if (step.at >= this.duration) continue;
      this.sim.at(step.at, () => {
        const shell = step.node === undefined ? this.lab : this.shell(step.node);
        this.scriptJobs.push({ step, job: shell.run(step.run) });
      });
    }
  }

  /** The jobs the script has started so far, in start order. */
  startedSteps(): readonly { readonly step: ScriptStep; readonly job: Job }[] {
    return this.scriptJobs;
  }

  /** Runs the script to the end. May be called once. */
  async run(): Promise<RunResult> {
    this.start();
    const sim = this.sim;
    const started = this.scriptJobs;
    await sim.run(this.duration);
    const running = started.filter((s) => !s.job.finished);
    this.lab.interruptAll();
    for (const s of this.shells.values()) s.interruptAll();
    for (let i = 0; i < SETTLE_TURNS && started.some((s) => !s.job.finished); i++) await yieldToHost();
    const statuses = await Promise.all(started.map(async (s) => (s.job.finished ? await s.job.done : null)));
    return {
      output: this.output,
      steps: started.map((s, i) => ({
        step: s.step,
        job: s.job.id,
        status: statuses[i]!,
        interrupted: running.includes(s),
      })),
      files: this.env.files,
      endTime: sim.now,
    };
  }
}
