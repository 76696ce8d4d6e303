/** `help`: the commands this shell knows, one line each. */
import type { Command } from '../shell/command.ts';
import type { CommandRegistry } from '../shell/shell.ts';

export function helpCommand(registry: () => CommandRegistry): Command {
  return {
    name: 'help',
    summary: 'list the commands',
    scope: 'lab',
    async run(_argv, ctx) {
      const list = [...registry().values()].sort((a, b) => a.name.localeCompare(b.name));
      const width = Math.max(...list.map((c) => c.name.length));
      for (const c of list) {
        if (c.scope === 'node' && !ctx.node) continue;
        ctx.out(`${c.name.padEnd(width)}  ${c.summary}`);
      }
      return 0;
    },
  };
}
