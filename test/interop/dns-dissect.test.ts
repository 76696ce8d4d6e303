/**
 * The DNS layer of netlab's dissector beside Wireshark's: real captured queries and
 * responses (vectors/dns, from dnslib) and netlab's own messages, wrapped in UDP frames;
 * tshark must find nothing wrong in them, and its info column must read as ours for the
 * record types netlab names (A, AAAA, NS, CNAME, PTR, MX, SOA, TXT, OPT); for the others
 * the header and question part must agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { fromHex } from '../../src/bytes/hex.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { dnsFrame } from '../../src/tools/dissect/dns-test-frames.ts';
import { dissect } from '../../src/tools/dissect/index.ts';
import {
  hasTshark,
  tsharkExpertProblems,
  tsharkFields,
  warnIfNoTshark,
  writeTempPcap,
} from './tshark-helpers.ts';

warnIfNoTshark('test/interop/dns-dissect.test.ts');

const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/dns/dnslib-captures.json', import.meta.url), 'utf8'),
) as { captures: { file: string; query_hex: string; response_hex: string; response_rr_types: string[] }[] };

const NAMED = new Set(['A', 'AAAA', 'NS', 'CNAME', 'PTR', 'MX', 'SOA', 'TXT', 'OPT']);

describe.skipIf(!hasTshark())('tshark reads our DNS layer as we do', () => {
  it('every captured query and response: no problem, the same info line', () => {
    const frames: { frame: Uint8Array; named: boolean }[] = [];
    for (const c of vectors.captures) {
      const named = c.response_rr_types.every((t) => NAMED.has(t));
      frames.push({ frame: dnsFrame(fromHex(c.query_hex)), named: true });
      frames.push({ frame: dnsFrame(fromHex(c.response_hex), { sport: 53, dport: 40000 }), named });
    }
    const chunks: Uint8Array[] = [];
    const writer = new PcapWriter((b) => chunks.push(b));
    for (const [i, f] of frames.entries()) writer.write(i * 1000, f.frame);
    const path = writeTempPcap(concatBytes(chunks), 'dns-vectors.pcap');
    expect(tsharkExpertProblems(path)).toEqual([]);
    const rows = tsharkFields(path, ['_ws.col.Info', 'frame.protocols']);
    expect(rows).toHaveLength(frames.length);
    const mismatches: string[] = [];
    rows.forEach(([info, protocols], i) => {
      const ours = dissect(frames[i]!.frame);
      expect(protocols).toBe('eth:ethertype:ip:udp:dns');
      const theirs = info!.replace(/\s+/g, ' ').trim();
      const want = frames[i]!.named ? ours.info : ours.info.split(' ').slice(0, 5).join(' ');
      const got = frames[i]!.named ? theirs : theirs.split(' ').slice(0, 5).join(' ');
      if (want !== got) mismatches.push(`frame ${i + 1}: ours '${ours.info}' / tshark '${theirs}'`);
    });
    expect(mismatches).toEqual([]);
  });
});
