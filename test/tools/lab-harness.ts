/**
 * A small lab for command tests: a network from a YAML topology, and `sh(node, line)` that
 * runs one command line to completion in simulated time (at most `limit`, then Ctrl-C)
 * and returns its exit status and what it printed.
 */
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import { parseScenario } from '../../src/lab/scenario/index.ts';
import { SECOND, type Time } from '../../src/sim/time.ts';
import type { OutputLine } from '../../src/tools/shell/shell.ts';

export interface Done {
  readonly status: number;
  readonly out: string[];
  readonly err: string[];
  readonly lines: OutputLine[];
  readonly endedAt: Time;
}

export class Lab {
  readonly run: ScenarioRun;
  private readonly output: OutputLine[] = [];

  constructor(yaml: string) {
    const { spec } = parseScenario(yaml, 'test.yaml');
    this.run = new ScenarioRun(spec, { onOutput: (l) => this.output.push(l) });
  }

  get sim() {
    return this.run.sim;
  }

  get network() {
    return this.run.network;
  }

  /** Runs `line` on `node` (undefined: the lab shell) until it ends or `limit` passes. */
  async sh(node: string | undefined, line: string, limit: Time = 120 * SECOND): Promise<Done> {
    const shell = node === undefined ? this.run.lab : this.run.shell(node);
    const job = shell.run(line);
    let finished = false;
    void job.done.then(() => {
      finished = true;
      this.sim.stop();
    });
    await this.sim.run(this.sim.now + limit);
    if (!finished) {
      job.interrupt();
      await this.sim.run(this.sim.now);
    }
    const status = await job.done;
    const lines = this.output.filter((l) => l.job === job.id && l.stream !== 'cmd');
    return {
      status,
      out: lines.filter((l) => l.stream === 'out').map((l) => l.text),
      err: lines.filter((l) => l.stream === 'err').map((l) => l.text),
      lines,
      endedAt: this.sim.now,
    };
  }

  /** Starts `line` and returns at once (for background commands such as tcpdump). */
  start(node: string, line: string) {
    return this.run.shell(node).run(line);
  }

  /** Advances simulated time. */
  async wait(delay: Time): Promise<void> {
    await this.sim.run(this.sim.now + delay);
  }

  linesOf(job: { id: number }): OutputLine[] {
    return this.output.filter((l) => l.job === job.id && l.stream !== 'cmd');
  }
}

/** Two LANs joined by a router; h1, h2 on LAN 1, h3 on LAN 2, `lonely` without a gateway. */
export const TWO_LANS = `
topology:
  nodes:
    h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
    h2: { kind: host, ip: 10.0.1.11/24, gateway: 10.0.1.1 }
    lonely: { kind: host, ip: 10.0.1.99/24 }
    h3: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
    sw1: { kind: switch }
    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
  links:
    - [h1, sw1]
    - [h2, sw1]
    - [lonely, sw1]
    - [r1:eth0, sw1]
    - [r1:eth1, h3]
routing: static
`;
