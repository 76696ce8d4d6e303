/**
 * Runs one benchmark in a process of its own (so its peak memory is its own) and prints
 * its figures as one JSON line: `node --import tsx bench/child.ts NAME [ARGS...]`.
 */
import { BENCHMARKS } from './registry.ts';

const [name, ...args] = process.argv.slice(2);
const entry = BENCHMARKS.find((b) => b.name === name);
if (!entry) {
  console.error(`unknown benchmark '${name}' (${BENCHMARKS.map((b) => b.name).join(', ')})`);
  process.exit(2);
}
const result = await entry.run(args);
console.log(JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
