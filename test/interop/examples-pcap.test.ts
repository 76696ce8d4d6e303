/**
 * Wire-correct, checked by Wireshark: every frame of every example scenario, captured on
 * every link, is dissected by the real tshark with no malformed packet, no bad checksum
 * and no protocol error — and tshark counts exactly the frames we wrote, with the
 * protocols we say they carry.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { dissect } from '../../src/tools/dissect/index.ts';
import { exampleSpec } from '../scenarios/run-example.ts';
import {
  hasTshark,
  tsharkExpertProblems,
  tsharkFields,
  warnIfNoTshark,
  writeTempPcap,
} from './tshark-helpers.ts';

warnIfNoTshark('test/interop/examples-pcap.test.ts');

const examples = readdirSync(new URL('../../examples/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

async function capture(name: string): Promise<{ bytes: Uint8Array; protocols: string[] }> {
  const run = new ScenarioRun(exampleSpec(name));
  const chunks: Uint8Array[] = [];
  const writer = new PcapWriter((c) => chunks.push(c));
  const protocols: string[] = [];
  run.sim.trace.on('link.tx', (e) => {
    writer.write(e.time, e.frame);
    protocols.push(dissect(e.frame).protocol);
  });
  await run.run();
  return { bytes: concatBytes(chunks), protocols };
}

describe.skipIf(!hasTshark())('tshark dissects every example capture cleanly', () => {
  for (const name of examples) {
    it(name, async () => {
      const { bytes, protocols } = await capture(name);
      expect(protocols.length).toBeGreaterThan(0);
      const path = writeTempPcap(bytes, `${name}.pcap`);
      expect(tsharkExpertProblems(path)).toEqual([]);
      const rows = tsharkFields(path, ['frame.protocols']);
      expect(rows.length).toBe(protocols.length);
      // Our dissector and Wireshark agree on the top protocol of every frame.
      const top = rows.map((r) => {
        const stack = r[0]!.split(':');
        if (stack.includes('icmp')) return 'ICMP';
        if (stack.includes('arp')) return 'ARP';
        if (stack.includes('udp') && stack.includes('dns')) return 'DNS';
        if (stack.includes('udp')) return 'UDP';
        if (stack.includes('tcp')) return 'TCP';
        return stack.at(-1)!;
      });
      expect(top).toEqual(protocols.map((p) => (p === 'IPv4' ? 'ip' : p)));
    });
  }
});
