/** Every benchmark `npm run bench` knows, by name. Each returns plain JSON-able figures. */
import { runChain } from './chain.ts';
import { runDnsCodecBench } from './dns-codec.ts';
import { runDumbbell } from './dumbbell.ts';

export interface Benchmark {
  readonly name: string;
  readonly run: (args: readonly string[]) => Promise<Record<string, unknown>>;
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'dumbbell',
    run: async (args) => ({
      ...(await runDumbbell({ flows: Number(args[0] ?? 10), simTime: Number(args[1] ?? 20) })),
    }),
  },
  {
    name: 'chain',
    run: async (args) => ({ ...(await runChain(Number(args[0] ?? 8), Number(args[1] ?? 10))) }),
  },
  {
    name: 'dns-codec',
    // Milliseconds of measurement per message, codec and direction.
    run: async (args) => ({ figures: runDnsCodecBench(Number(args[0] ?? 300)) }),
  },
];
