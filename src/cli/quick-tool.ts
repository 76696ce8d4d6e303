/**
 * `netlab ping ...` and `netlab traceroute ...`: one tool, run from one node of the
 * default topology (or `--scenario FILE`), printed exactly as the tool prints it — a
 * quick look without writing a scenario. The simulation stops as soon as the tool ends;
 * a tool that would run forever (ping without -c) is stopped after 60 simulated seconds,
 * as if by Ctrl-C.
 */
import { ScenarioRun } from '../lab/run/scenario-run.ts';
import { SECOND } from '../sim/time.ts';
import { formatCommandLine } from '../tools/shell/tokenize.ts';
import { loadScenario } from './load-scenario.ts';

const CAP = 60 * SECOND;

export async function runQuickTool(
  tool: string,
  args: string[],
  io: { out: (l: string) => void; err: (l: string) => void },
): Promise<number> {
  let from = 'h1';
  let scenario = 'default';
  const toolArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === '--from' || a === '--scenario') && i + 1 < args.length) {
      if (a === '--from') from = args[++i]!;
      else scenario = args[++i]!;
    } else if (a.startsWith('--from=')) from = a.slice(7);
    else if (a.startsWith('--scenario=')) scenario = a.slice(11);
    else toolArgs.push(a);
  }
  const loaded = loadScenario(scenario);
  if ('errors' in loaded) {
    for (const e of loaded.errors) io.err(e);
    return 2;
  }
  const spec = { ...loaded.spec, script: [], duration: CAP };
  if (!spec.nodes.some((n) => n.name === from)) {
    io.err(
      `netlab ${tool}: no node '${from}' in ${spec.name} (nodes: ${spec.nodes.map((n) => n.name).join(', ')})`,
    );
    return 2;
  }
  const run = new ScenarioRun(spec, {
    onOutput: (l) => {
      if (l.stream === 'out') io.out(l.text);
      else if (l.stream === 'err') io.err(l.text);
    },
  });
  const job = run.shell(from).run(formatCommandLine([tool, ...toolArgs]));
  void job.done.then(() => run.sim.stop());
  await run.run();
  return job.finished ? await job.done : 1;
}
