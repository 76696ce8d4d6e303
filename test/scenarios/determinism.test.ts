/**
 * Determinism, as DESIGN.md promises it: the same scenario and seed give byte-identical
 * output and pcap, run after run and side by side in one process; another seed changes
 * what is random (loss, jitter) and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import type { ScenarioSpec } from '../../src/lab/scenario/spec.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { exampleSpec } from './run-example.ts';

async function runOnce(spec: ScenarioSpec, seed?: number): Promise<{ text: string; pcap: Uint8Array }> {
  const run = new ScenarioRun(spec, { seed });
  const chunks: Uint8Array[] = [];
  const writer = new PcapWriter((c) => chunks.push(c));
  run.sim.trace.on('link.tx', (e) => writer.write(e.time, e.frame));
  const result = await run.run();
  return {
    text: result.output.map((l) => `${l.time} ${l.node ?? '-'} ${l.stream} ${l.text}`).join('\n'),
    pcap: concatBytes(chunks),
  };
}

/** A lossy, jittery path: every random choice in the run depends on the seed. */
function lossy(): ScenarioSpec {
  const base = exampleSpec('latency-rtt');
  return {
    ...base,
    links: base.links.map((l) => ({ ...l, loss: 0.1, jitter: 2_000_000, duplicate: 0.05 })),
  };
}

describe('determinism', () => {
  // tls-handshakes: RSA key exchange and signatures, whose padding and salts come from the seed too.
  for (const name of ['default', 'bottleneck', 'ring-failure', 'arp-spoofing', 'tls-handshakes']) {
    it(`${name}: two runs give identical output and identical pcap bytes`, async () => {
      const a = await runOnce(exampleSpec(name));
      const b = await runOnce(exampleSpec(name));
      expect(b.text).toBe(a.text);
      expect(Buffer.from(b.pcap).equals(Buffer.from(a.pcap))).toBe(true);
    });
  }

  it('two simulations interleaved in one process give the same results as alone', async () => {
    const alone = await runOnce(lossy(), 7);
    const [x, y] = await Promise.all([runOnce(lossy(), 7), runOnce(exampleSpec('default'))]);
    expect(x.text).toBe(alone.text);
    expect(y.text).toBe((await runOnce(exampleSpec('default'))).text);
  });

  it('the seed decides loss, duplication and jitter: same seed same run, other seed another', async () => {
    const a = await runOnce(lossy(), 1);
    const b = await runOnce(lossy(), 1);
    const c = await runOnce(lossy(), 2);
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
    expect(Buffer.from(c.pcap).equals(Buffer.from(a.pcap))).toBe(false);
  });
});
