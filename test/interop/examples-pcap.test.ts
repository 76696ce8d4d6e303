/**
 * Wire-correct, checked by Wireshark: every frame of every example scenario is dissected
 * by the real tshark with no malformed packet, no bad checksum and no protocol error —
 * and tshark sees exactly the frames we wrote, with the protocols our dissector names.
 *
 * Each link (each cable, each shared bus) gets its own capture, as a tap on that cable
 * would record it: one capture spanning several hops would show every segment once per
 * hop, which Wireshark rightly takes for retransmissions.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import type { Channel } from '../../src/link/channel.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { dissect } from '../../src/tools/dissect/index.ts';
import { exampleSpec } from '../scenarios/run-example.ts';
import { hasTshark, tsharkCheck, warnIfNoTshark, writeTempPcap } from './tshark-helpers.ts';

warnIfNoTshark('test/interop/examples-pcap.test.ts');

const examples = readdirSync(new URL('../../examples/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

interface LinkCapture {
  readonly name: string;
  readonly chunks: Uint8Array[];
  readonly writer: PcapWriter;
  readonly protocols: string[];
}

async function captureLinks(name: string): Promise<LinkCapture[]> {
  const run = new ScenarioRun(exampleSpec(name));
  const byChannel = new Map<Channel, LinkCapture>();
  const byDevice = new Map<string, LinkCapture>();
  for (const l of run.network.links) {
    let c = byChannel.get(l.channel);
    if (!c) {
      const chunks: Uint8Array[] = [];
      c = {
        name: l.spec.endpoints.map((e) => `${e.node}:${e.interface}`).join('-'),
        chunks,
        writer: new PcapWriter((x) => chunks.push(x)),
        protocols: [],
      };
      byChannel.set(l.channel, c);
    }
    for (const e of l.spec.endpoints) byDevice.set(`${e.node}:${e.interface}`, c);
  }
  run.sim.trace.on('link.tx', (e) => {
    const c = byDevice.get(`${e.node}:${e.iface}`);
    if (!c) return;
    c.writer.write(e.time, e.frame);
    c.protocols.push(dissect(e.frame).protocol);
  });
  await run.run();
  return [...byChannel.values()].filter((c) => c.writer.records > 0);
}

/** Our dissector's top protocol, in tshark's frame.protocols words. */
function topOf(stack: string): string {
  const parts = stack.split(':');
  for (const [word, ours] of [
    ['dns', 'DNS'],
    ['http', 'HTTP'],
    ['icmp', 'ICMP'],
    ['arp', 'ARP'],
    ['udp', 'UDP'],
    ['tcp', 'TCP'],
  ] as const) {
    if (parts.includes(word)) return ours;
  }
  return parts.at(-1)!;
}

describe.skipIf(!hasTshark())('tshark dissects every example capture cleanly, link by link', () => {
  for (const name of examples) {
    it(name, async () => {
      const links = await captureLinks(name);
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        const path = writeTempPcap(
          concatBytes(link.chunks),
          `${name}-${link.name.replace(/[^\w.-]/g, '_')}.pcap`,
        );
        const { protocols, problems } = tsharkCheck(path);
        expect([link.name, problems]).toEqual([link.name, []]);
        expect(protocols.length).toBe(link.protocols.length);
        // Where our dissector stops at TCP or UDP, tshark may see the application inside.
        const ours = link.protocols.map((p) => (p === 'IPv4' ? 'ip' : p));
        const theirs = protocols
          .map(topOf)
          .map((t, i) =>
            (ours[i] === 'TCP' && t === 'HTTP') || (ours[i] === 'UDP' && t === 'DNS') ? ours[i] : t,
          );
        expect([link.name, theirs]).toEqual([link.name, ours]);
      }
    });
  }
});
