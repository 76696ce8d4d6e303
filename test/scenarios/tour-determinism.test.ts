/**
 * The HTTPS tour is deterministic, TLS included: the same seed gives the same capture
 * byte for byte (randoms, key shares, ECDSA signatures, certificates all come from the
 * seed) and the same NSS key log; another seed gives other randoms and keys.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { exampleSpec } from './run-example.ts';
import '../../src/application/tls/trace-events.ts';

async function tour(seed?: number): Promise<{ pcap: Uint8Array; keylog: string; text: string }> {
  const run = new ScenarioRun(exampleSpec('tour'), { seed });
  const chunks: Uint8Array[] = [];
  const writer = new PcapWriter((c) => chunks.push(c));
  const keys: string[] = [];
  const mine = (e: { node: string; time: number; frame: Uint8Array }) => {
    if (e.node === 'laptop') writer.write(e.time, e.frame);
  };
  run.sim.trace.on('link.tx', mine);
  run.sim.trace.on('link.rx', mine);
  run.sim.trace.on('tls.keylog', (e) => {
    if (e.node === 'laptop') keys.push(e.line);
  });
  const result = await run.run();
  return {
    pcap: concatBytes(chunks),
    keylog: keys.join('\n'),
    text: result.output.map((l) => `${l.time} ${l.node ?? '-'} ${l.text}`).join('\n'),
  };
}

describe('the HTTPS tour is deterministic', () => {
  it('same seed: byte-identical capture, key log and output; another seed: other keys', async () => {
    const a = await tour();
    const b = await tour();
    expect(a.keylog.split('\n')).toHaveLength(6 * 5); // 6 TLS 1.3 sessions × 5 secrets
    expect(b.text).toBe(a.text);
    expect(b.keylog).toBe(a.keylog);
    expect(Buffer.from(b.pcap).equals(Buffer.from(a.pcap))).toBe(true);
    const c = await tour(2);
    expect(c.keylog).not.toBe(a.keylog);
    expect(Buffer.from(c.pcap).equals(Buffer.from(a.pcap))).toBe(false);
  });
});
