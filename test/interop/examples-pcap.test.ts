/**
 * Wire-correct, checked by Wireshark: every frame of every example scenario is dissected
 * by the real tshark with no malformed packet, no bad checksum and no protocol error —
 * and tshark sees exactly the frames we wrote, with the protocols our dissector names.
 * Each link gets its own capture (link-captures.ts).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { dissect } from '../../src/tools/dissect/index.ts';
import { exampleSpec } from '../scenarios/run-example.ts';
import { captureLinks } from './link-captures.ts';
import { hasTshark, tsharkCheck, warnIfNoTshark, writeTempPcap } from './tshark-helpers.ts';

warnIfNoTshark('test/interop/examples-pcap.test.ts');

const examples = readdirSync(new URL('../../examples/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

/** Our dissector's top protocol, in tshark's frame.protocols words. */
function topOf(stack: string): string {
  const parts = stack.split(':');
  for (const [word, ours] of [
    ['dns', 'DNS'],
    ['http2', 'HTTP2'],
    ['http', 'HTTP'],
    ['tls', 'TLS'],
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
      const links = await captureLinks(exampleSpec(name));
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        const path = writeTempPcap(
          concatBytes(link.chunks),
          `${name}-${link.name.replace(/[^\w.-]/g, '_')}.pcap`,
        );
        const { protocols, problems } = tsharkCheck(path);
        expect([link.name, problems]).toEqual([link.name, []]);
        expect(protocols.length).toBe(link.frames.length);
        const ours = link.frames.map((f) => dissect(f).protocol).map((p) => (p === 'IPv4' ? 'ip' : p));
        // Above TCP tshark reassembles and we dissect each segment alone: the first segment
        // of a long message is ours (HTTP, TLS) and tshark's TCP, the last one the other
        // way round. test/interop/app-dissect.test.ts compares those layers frame by frame.
        const app = new Set(['HTTP', 'HTTP2', 'TLS']);
        const theirs = protocols
          .map(topOf)
          .map((t, i) =>
            (ours[i] === 'TCP' && app.has(t)) || (t === 'TCP' && app.has(ours[i]!)) ? ours[i] : t,
          );
        expect([link.name, theirs]).toEqual([link.name, ours]);
      }
    });
  }
});
