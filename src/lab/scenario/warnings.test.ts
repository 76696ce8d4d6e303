/** Problems that do not stop a scenario: returned with the spec, sorted by position. */
import { describe, expect, it } from 'vitest';
import { problemLines, yaml } from './test-helpers.ts';

describe('warnings', () => {
  it('a loop of switches without STP is a broadcast storm', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    sw1: { kind: switch }',
      '    sw2: { kind: switch }',
      '    sw3: { kind: switch }',
      '    h1: { kind: host, ip: 10.0.0.1/24 }',
      '  links: [[h1, sw1], [sw1, sw2], [sw2, sw3], [sw3, sw1]]',
    );
    expect(problemLines(text)).toEqual([
      't.yaml:7:46: warning: this link closes a loop sw3 – sw2 – sw1 – sw3 and switches here run no spanning tree: a broadcast (an ARP request) will circulate forever, a broadcast storm; remove a link to break the loop',
    ]);
  });

  it('a loop through a hub is a loop too', () => {
    const loop = yaml(
      'topology:',
      '  nodes:',
      '    sw1: { kind: switch }',
      '    sw2: { kind: switch }',
      '    hub1: { kind: hub }',
      '  links: [[sw1, sw2], [sw2, hub1], [hub1, sw1]]',
    );
    expect(problemLines(loop)).toEqual([
      't.yaml:6:36: warning: this link closes a loop hub1 – sw2 – sw1 – hub1 and switches here run no spanning tree: a broadcast (an ARP request) will circulate forever, a broadcast storm; remove a link to break the loop',
    ]);
  });

  it('subnets that do not match on one LAN, gateways on another LAN, unused things', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: 10.0.0.1/24 }',
      '    h2: { kind: host, ip: 10.0.1.2/24, gateway: 10.0.1.1 }',
      '    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.9.1/24 } }', // 5
      '    h3: { kind: host }',
      '    sw1: { kind: switch }',
      '    sw2: { kind: switch }',
      '  links: [[h1, sw1], [h2, sw1], [r1:eth0, sw2]]',
    );
    expect(problemLines(text)).toEqual([
      't.yaml:4:27: warning: h2:eth0 (10.0.1.2/24) shares a LAN with h1:eth0 (10.0.0.1/24) but not a subnet; they cannot talk without a router',
      't.yaml:4:49: warning: gateway 10.0.1.1 is r1:eth0, which is not on the same LAN as h2:eth0',
      't.yaml:5:64: warning: interface r1:eth1 has an address but no link, so 10.0.9.1/24 is unreachable',
      "t.yaml:6:5: warning: node 'h3' has no links",
    ]);
  });

  it('overlapping subnets on one node; a byte queue too small for a frame', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    r1: { kind: router, interfaces: { eth0: 10.0.0.1/16, eth1: 10.0.5.1/24 } }',
      '    a: { kind: host, ip: 10.0.0.2/16 }',
      '    b: { kind: host, ip: 10.0.5.2/24 }',
      '  links:',
      '    - [r1, a]',
      '    - { endpoints: [r1, b], queue: 1000B }',
    );
    expect(problemLines(text)).toEqual([
      't.yaml:3:64: warning: r1:eth1 (10.0.5.1/24) overlaps r1:eth0 (10.0.0.1/16); routing between them is ambiguous',
      't.yaml:8:36: warning: a queue of 1000 bytes cannot hold one full frame (1514 bytes with MTU 1500); every full-size frame will be dropped',
    ]);
  });
});
