/** `echo`: prints its arguments (a note in the timeline). Runs on nodes and on the lab. */
import type { Command } from '../shell/command.ts';

export const echo: Command = {
  name: 'echo',
  summary: 'print a line of text',
  scope: 'lab',
  async run(argv, ctx) {
    const newline = argv[0] !== '-n';
    const text = (newline ? argv : argv.slice(1)).join(' ');
    ctx.out(text);
    if (ctx.sim.trace.wants('sim.note')) {
      ctx.sim.trace.emit({ type: 'sim.note', time: ctx.sim.now, node: ctx.node?.name, text });
    }
    return 0;
  },
};
