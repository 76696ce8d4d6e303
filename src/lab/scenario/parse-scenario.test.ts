/** What a valid file resolves to: defaults, precedence, names, order, units. */
import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { LAN, MAN, WAN } from '../presets.ts';
import { formatIpv4Prefix } from '../../internet/ipv4-address.ts';
import { parseScenario } from './parse-scenario.ts';
import type { LinkSpec, ScenarioSpec } from './spec.ts';
import { yaml } from './test-helpers.ts';

function spec(text: string, file = 'dir/my-lab.yaml'): ScenarioSpec {
  return parseScenario(text, file).spec;
}

const TWO_HOSTS = [
  'topology:',
  '  nodes:',
  '    a: { kind: host, ip: 10.0.0.1/24 }',
  '    b: { kind: host, ip: 10.0.0.2/24 }',
];

function ends(l: LinkSpec): string {
  return l.endpoints.map((e) => `${e.node}:${e.interface}`).join('-');
}

describe('parseScenario', () => {
  it('fills in the top-level defaults', () => {
    const s = spec(yaml(...TWO_HOSTS, '  links: [[a, b]]'));
    expect(s).toMatchObject({
      name: 'my-lab',
      description: '',
      descriptionKo: '',
      seed: 1,
      duration: 1 * SECOND,
      routing: 'global',
      convergence: 0,
      script: [],
    });
    expect(s.links[0]).toEqual({
      endpoints: [
        { node: 'a', interface: 'eth0' },
        { node: 'b', interface: 'eth0' },
      ],
      rate: LAN.rate,
      delay: LAN.delay,
      loss: 0,
      duplicate: 0,
      jitter: 0,
      queue: { packets: 1000 },
      mtu: 1500,
    });
  });

  it('reads every unit', () => {
    const s = spec(
      yaml(
        'seed: 42',
        'duration: 2.5s',
        'routing: static',
        'convergence: 250ms',
        ...TWO_HOSTS,
        '  links:',
        '    - endpoints: [a, b]',
        '      rate: 2.5Gbps',
        '      delay: 5us',
        '      loss: 0.1%',
        '      duplicate: 0.001',
        '      jitter: 100ns',
        '      queue: 64KiB',
        '      mtu: 9000',
      ),
    );
    expect(s).toMatchObject({
      seed: 42,
      duration: 2.5 * SECOND,
      routing: 'static',
      convergence: 250 * MILLISECOND,
    });
    expect(s.links[0]).toMatchObject({
      rate: 2.5e9,
      delay: 5000,
      loss: 0.001,
      duplicate: 0.001,
      jitter: 100,
      queue: { bytes: 65536 },
      mtu: 9000,
    });
  });

  it('link precedence: built-in < defaults preset < defaults keys < link preset < link keys', () => {
    const s = spec(
      yaml(
        'defaults:',
        '  link: { preset: man, rate: 50Mbps, loss: 1% }',
        'topology:',
        '  nodes:',
        '    a: { kind: host }',
        '    b: { kind: host }',
        '    c: { kind: host }',
        '    d: { kind: host }',
        '  links:',
        '    - [a, b]',
        '    - { endpoints: [b, c], preset: wan }',
        '    - { endpoints: [c, d], preset: wan, rate: 1Mbps, loss: 0 }',
      ),
    );
    expect(s.links.map((l) => [l.rate, l.delay, l.loss, l.queue])).toEqual([
      [50e6, MAN.delay, 0.01, MAN.queue],
      [WAN.rate, WAN.delay, 0.01, WAN.queue],
      [1e6, WAN.delay, 0, WAN.queue],
    ]);
  });

  it('names interfaces: declared first-free on hosts, eth0.. when undeclared, p1.. on switches skipping named ports', () => {
    const s = spec(
      yaml(
        'topology:',
        '  nodes:',
        '    r1: { kind: router, interfaces: { lan: 10.0.0.1/24, wan: 10.9.0.1/30 } }',
        '    sniffer: { kind: host }',
        '    sw1: { kind: switch }',
        '    hub1: { kind: hub }',
        '  links:',
        '    - [r1, sw1]',
        '    - [sw1:p1, hub1]',
        '    - [sniffer, hub1]',
        '    - [sniffer, sw1]',
        '    - [r1:wan, sw1:uplink]',
      ),
    );
    expect(s.links.map(ends)).toEqual([
      'r1:lan-sw1:p2',
      'sw1:p1-hub1:p1',
      'sniffer:eth0-hub1:p2',
      'sniffer:eth1-sw1:p3',
      'r1:wan-sw1:uplink',
    ]);
    expect(s.nodes.map((n) => `${n.name}: ${n.interfaces.map((i) => i.name).join(' ')}`)).toEqual([
      'r1: lan wan',
      'sniffer: eth0 eth1',
      'sw1: p2 p1 p3 uplink',
      'hub1: p1 p2',
    ]);
  });

  it('attachments to a hub or bus take the medium numbers', () => {
    const s = spec(
      yaml(
        'topology:',
        '  nodes:',
        '    bus1: { kind: bus, rate: 2Mbps, loss: 1% }',
        '    a: { kind: host, ip: 10.0.0.1/24 }',
        '  links:',
        '    - { endpoints: [a, bus1], queue: 5, mtu: 1000 }',
      ),
    );
    expect(s.nodes[0]).toEqual({
      kind: 'bus',
      name: 'bus1',
      interfaces: [{ name: 'p1' }],
      rate: 2e6,
      delay: 2500,
      loss: 0.01,
    });
    expect(s.links[0]).toMatchObject({
      rate: 2e6,
      delay: 2500,
      loss: 0.01,
      duplicate: 0,
      jitter: 0,
      queue: { packets: 5 },
      mtu: 1000,
    });
  });

  it('resolves hosts, routers and switches', () => {
    const s = spec(
      yaml(
        'topology:',
        '  nodes:',
        '    h1: { kind: host, ip: 10.0.0.1/24, gateway: 10.0.0.254 }',
        '    r1:',
        '      kind: router',
        '      interfaces: { eth0: 10.0.0.254/24, eth1: 10.0.1.1/30 }',
        '      routes: [{ to: 10.9.0.0/16, via: 10.0.1.2 }, { to: default, via: 10.0.1.2 }]',
        '    r2: { kind: router, interfaces: { eth0: 10.0.1.2/30, eth1: } }',
        '    sw1: { kind: switch, aging: 10s, mac_table_size: 8 }',
        '  links: [[h1, sw1], [r1, sw1], [r1, r2]]',
      ),
    );
    const [h1, r1, r2, sw1] = s.nodes;
    expect(h1).toEqual({
      kind: 'host',
      name: 'h1',
      interfaces: [{ name: 'eth0', address: { address: 0x0a000001, length: 24 } }],
      gateway: 0x0a0000fe,
      routes: [],
    });
    expect(r1!.kind === 'router' && r1!.routes.map((r) => `${formatIpv4Prefix(r.to)} via ${r.via}`)).toEqual([
      `10.9.0.0/16 via ${0x0a000102}`,
      `0.0.0.0/0 via ${0x0a000102}`,
    ]);
    expect(r2!.interfaces).toEqual([
      { name: 'eth0', address: { address: 0x0a000102, length: 30 } },
      { name: 'eth1' },
    ]);
    expect(sw1).toEqual({
      kind: 'switch',
      name: 'sw1',
      interfaces: [{ name: 'p1' }, { name: 'p2' }],
      aging: 10 * SECOND,
      macTableSize: 8,
    });
  });

  it('sorts the script by time, stably, and keeps the lines', () => {
    const s = spec(
      yaml(
        ...TWO_HOSTS,
        '  links: [[a, b]]',
        'script:',
        '  - { at: 2s, node: a, run: echo two }',
        '  - { at: 1s, node: b, run: echo one-b }',
        '  - { at: 1s, node: a, run: echo one-a }',
        '  - { at: 1.5, run: echo lab }',
      ),
    );
    expect(s.script).toEqual([
      { at: 1 * SECOND, node: 'b', run: 'echo one-b', line: 8 },
      { at: 1 * SECOND, node: 'a', run: 'echo one-a', line: 9 },
      { at: 1.5 * SECOND, run: 'echo lab', line: 10 },
      { at: 2 * SECOND, node: 'a', run: 'echo two', line: 7 },
    ]);
  });

  it('default duration: 1 s after the last step, or after an iperf or counted ping ends', () => {
    const base = [...TWO_HOSTS, '  links: [[a, b]]', 'script:'];
    expect(spec(yaml(...base, '  - { at: 3s, node: a, run: arp -a }')).duration).toBe(4 * SECOND);
    expect(
      spec(yaml(...base, '  - { at: 3s, node: a, run: iperf -c 10.0.0.2 -u -b 1M -t 5 }')).duration,
    ).toBe(9 * SECOND);
    expect(spec(yaml(...base, '  - { at: 3s, node: a, run: iperf -c 10.0.0.2 -u }')).duration).toBe(
      14 * SECOND,
    );
    expect(spec(yaml(...base, '  - { at: 1s, node: a, run: ping -c 5 -i 0.5 10.0.0.2 }')).duration).toBe(
      4 * SECOND,
    );
    expect(spec(yaml(...base, '  - { at: 1s, node: a, run: ping -c 3 10.0.0.2 }')).duration).toBe(4 * SECOND);
  });

  it('generate: builder nodes and links come first, file links continue the port numbering', () => {
    const s = spec(
      yaml(
        'defaults:',
        '  link: { preset: wan }',
        'topology:',
        '  generate: { kind: star, hosts: 2, link: { loss: 1% } }',
        '  nodes:',
        '    srv: { kind: host, ip: 10.0.0.100/24 }',
        '  links: [[srv, sw1]]',
      ),
    );
    expect(s.nodes.map((n) => n.name)).toEqual(['sw1', 'h1', 'h2', 'srv']);
    expect(s.links.map(ends)).toEqual(['h1:eth0-sw1:p1', 'h2:eth0-sw1:p2', 'srv:eth0-sw1:p3']);
    expect(s.links.map((l) => [l.rate, l.loss])).toEqual([
      [WAN.rate, 0.01],
      [WAN.rate, 0.01],
      [WAN.rate, 0],
    ]);
    expect(s.nodes[0]!.interfaces.map((i) => i.name)).toEqual(['p1', 'p2', 'p3']);
  });

  it('generate: every builder and its options', () => {
    const gen = (g: string) => spec(yaml('topology:', `  generate: ${g}`));
    expect(gen('{ kind: bus, hosts: 2, medium: { rate: 1Mbps } }').nodes[0]).toMatchObject({
      kind: 'bus',
      rate: 1e6,
    });
    expect(gen('{ kind: star, hosts: 2, centre: hub }').nodes[0]).toMatchObject({
      kind: 'hub',
      name: 'hub1',
    });
    expect(gen('{ kind: star, hosts: 2, subnet: 192.168.1.0/24 }').nodes[2]!.interfaces[0]!.address).toEqual({
      address: 0xc0a80102,
      length: 24,
    });
    expect(gen('{ kind: ring, routers: 4, hosts: 0 }').links).toHaveLength(4);
    expect(gen('{ kind: mesh, routers: 4, edges: [[1, 2], [2, 3], [3, 4]], hosts: 0 }').links).toHaveLength(
      3,
    );
    expect(gen('{ kind: tree, depth: 2, fanout: 3, inner: router, hosts: 1 }').nodes).toHaveLength(4 + 3);
    expect(gen('{ kind: chain, routers: 3 }').nodes.map((n) => n.name)).toEqual([
      'h1',
      'r1',
      'r2',
      'r3',
      'h2',
    ]);
  });

  it('description text and Korean description are kept as written', () => {
    const s = spec(
      yaml(
        'description: |',
        '  Line one.',
        '  Line two.',
        'description_ko: 한국어 설명',
        ...TWO_HOSTS,
        '  links: [[a, b]]',
      ),
    );
    expect(s.description).toBe('Line one.\nLine two.\n');
    expect(s.descriptionKo).toBe('한국어 설명');
  });
});
