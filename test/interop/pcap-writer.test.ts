/**
 * The pcap writer's output opens in the real tshark, which dissects a hand-built ICMP echo
 * request with no expert finding, and does report a frame whose IPv4 checksum is wrong
 * (proving the check can fail).
 */
import { describe, expect, it } from 'vitest';
import { pcapBytes } from '../../src/tools/capture/pcap-writer.ts';
import { ECHO_REQUEST } from '../../src/tools/dissect/icmp-test-frames.ts';
import {
  hasTshark,
  tsharkExpertProblems,
  tsharkFields,
  warnIfNoTshark,
  writeTempPcap,
} from './tshark-helpers.ts';

warnIfNoTshark('test/interop/pcap-writer.test.ts');

describe.skipIf(!hasTshark())('pcap files in tshark', () => {
  it('dissects an Ethernet/IPv4/ICMP echo request with good checksums and no expert problems', () => {
    const path = writeTempPcap(pcapBytes([{ timeNs: 1_500_000_000, frame: ECHO_REQUEST }]));
    const rows = tsharkFields(path, [
      'frame.time_relative',
      'frame.protocols',
      'ip.src',
      'ip.dst',
      'ip.checksum.status',
      'icmp.type',
      'icmp.seq',
      'icmp.checksum.status',
    ]);
    expect(rows).toEqual([
      ['0.000000000', 'eth:ethertype:ip:icmp:data', '10.0.0.1', '10.0.0.2', '1', '8', '1', '1'],
    ]);
    expect(tsharkFields(path, ['frame.time_epoch'])[0]![0]).toBe('1.500000000');
    expect(tsharkExpertProblems(path)).toEqual([]);
  });

  it('reports a frame whose IPv4 checksum is broken', () => {
    const broken = ECHO_REQUEST.slice();
    broken[14 + 10] = broken[14 + 10]! ^ 0xff;
    const path = writeTempPcap(
      pcapBytes([
        { timeNs: 0, frame: ECHO_REQUEST },
        { timeNs: 1000, frame: broken },
      ]),
    );
    const problems = tsharkExpertProblems(path);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^frame 2: Error\/Checksum: Bad checksum/);
  });

  it('reports a truncated, malformed frame', () => {
    const path = writeTempPcap(pcapBytes([{ timeNs: 0, frame: ECHO_REQUEST.subarray(0, 14 + 12) }]));
    expect(tsharkExpertProblems(path).some((p) => p.includes('Malformed'))).toBe(true);
  });
});
