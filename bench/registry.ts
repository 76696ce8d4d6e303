/** Every benchmark `npm run bench` knows, by name. Each returns plain JSON-able figures. */
import { runChain } from './chain.ts';
import { runWebBenchmarks } from './web-responsiveness.ts';
import { runDnsCodecBench } from './dns-codec.ts';
import { runDumbbell } from './dumbbell.ts';
import { runTlsBench } from './tls.ts';
import { runH2ServerBench } from './h2-server.ts';
import { runHpackBench } from './hpack.ts';
import { runHttp1ParseBench } from './http1-parse.ts';
import { runHttp1ServerBench } from './http1-server.ts';

export interface Benchmark {
  readonly name: string;
  readonly run: (args: readonly string[]) => Promise<Record<string, unknown>>;
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'dumbbell',
    run: async (args) => {
      const o = { flows: Number(args[0] ?? 10), simTime: Number(args[1] ?? 20) };
      const first = await runDumbbell(o);
      // The same run again in this process, with V8's JIT warm: the steady-state speed.
      const again = await runDumbbell(o);
      return { ...first, warmRunWallSec: again.runWallSec };
    },
  },
  {
    name: 'chain',
    run: async (args) => ({ ...(await runChain(Number(args[0] ?? 8), Number(args[1] ?? 10))) }),
  },
  {
    name: 'web',
    run: async () => {
      const r = await runWebBenchmarks();
      return { available: r.available ? 1 : 0, ...prefixed('mesh', r.mesh), ...prefixed('scroll', r.scroll) };
    },
  },
  {
    name: 'http1',
    run: async () => ({ parse: runHttp1ParseBench(400), server: await runHttp1ServerBench(3, 16) }),
  },
  {
    name: 'hpack',
    run: async () => ({ ...runHpackBench(1500) }),
  },
  {
    name: 'h2',
    run: async () => ({ result: await runH2ServerBench(50_000, 10, 10) }),
  },
  {
    name: 'tls',
    // Milliseconds of measurement per handshake case, MiB of bulk data.
    run: async (args) => ({
      ...(await runTlsBench({ msPerCase: Number(args[0] ?? 1500), bulkMiB: Number(args[1] ?? 32) })),
    }),
  },
  {
    name: 'dns-codec',
    // Milliseconds of measurement per message, codec and direction.
    run: async (args) => ({ figures: runDnsCodecBench(Number(args[0] ?? 300)) }),
  },
];

/** `{ fps: 60 }` under `mesh` → `{ meshFps: 60 }`: the child prints flat figures. */
function prefixed(prefix: string, o: object | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o ?? {}))
    out[`${prefix}${k[0]!.toUpperCase()}${k.slice(1)}`] = v as number;
  return out;
}
