/**
 * What the scenario reader knows about script commands: the command names the node shell
 * and the lab accept (unknown names are warnings, so a newer shell's commands still run),
 * the lab commands' arguments (checked strictly: they name nodes and links of this file),
 * and how long a step will keep running, for the default `duration`.
 *
 * The lists come from the shell's own registry, so a new command is known here at once.
 */
import { parseDuration, SECOND, type Time } from '../../sim/time.ts';
import { builtinCommands } from '../../tools/commands/index.ts';

export { type LinkRef, parseLinkRef } from '../../tools/shell/link-ref.ts';

const REGISTRY = builtinCommands();

/** Commands a node's shell runs (`node: h1`): every command of the shell. */
export const NODE_COMMANDS: readonly string[] = [...REGISTRY.keys()];

/** Commands the lab runs (no `node:`). */
export const LAB_COMMANDS: readonly string[] = [...REGISTRY.values()]
  .filter((c) => c.scope === 'lab')
  .map((c) => c.name);

/** Splits a command line at whitespace (script commands take no quoting). */
export function words(command: string): string[] {
  return command
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
}

/**
 * How long a step keeps running once started, when the command says so: `ping -c N
 * [-i I]` takes (N-1)·I (I defaults to 1 s), `iperf -c ... [-t T]` takes T (default 10 s,
 * as in iperf). Anything else: 0.
 */
export function estimatedRunTime(command: string): Time {
  const w = words(command);
  const option = (flag: string): string | undefined => {
    const i = w.indexOf(flag);
    return i >= 0 ? w[i + 1] : undefined;
  };
  const seconds = (text: string | undefined, fallback: Time): Time =>
    text === undefined ? fallback : (parseDuration(text) ?? fallback);
  if (w[0] === 'ping') {
    const count = Number(option('-c'));
    if (!Number.isInteger(count) || count < 1) return 0;
    return (count - 1) * seconds(option('-i'), SECOND);
  }
  if (w[0] === 'iperf' && w.includes('-c')) return seconds(option('-t'), 10 * SECOND);
  return 0;
}
