/**
 * The `dns:` section: what it resolves to, and every mistake reported at its line and
 * column — inside zone text and hosts files too.
 */
import { describe, expect, it } from 'vitest';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { parseScenario } from './parse-scenario.ts';
import { problemLines, yaml } from './test-helpers.ts';

const TOPOLOGY = [
  'topology:', // 1
  '  nodes:',
  '    laptop: { kind: host, ip: 10.0.0.10/24 }',
  '    resolver: { kind: host, ip: 10.0.0.53/24 }',
  '    root: { kind: host, ip: 10.0.0.4/24 }', // 5
  '    tld: { kind: host, ip: 10.0.0.30/24 }',
  '    ns1: { kind: host, ip: 10.0.0.54/24 }',
  '    sw1: { kind: switch }',
  '    sniffer: { kind: host }',
  '  links: [[laptop, sw1], [resolver, sw1], [root, sw1], [tld, sw1], [ns1, sw1], [sniffer, sw1]]', // 10
];

const ip = (t: string) => parseIpv4Address(t)!;

describe('dns: section', () => {
  it('resolves to plain data: origins made absolute, TTLs, and every host a client of the first resolver', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:',
      '  zones:',
      '    - { origin: ., servers: [root] }',
      '    - { origin: com, servers: [tld], ttl: 2d }',
      '    - origin: Example.COM.',
      '      servers: [ns1]',
      '      ttl: 600',
      '      records: |',
      '        www  300  IN  A  203.0.113.10',
      '        @         IN  MX 10 mail',
      '  resolvers: [resolver]',
      '  clients:',
      '    laptop: { nameservers: [resolver, 10.0.0.99], search: [example.com], hosts: "10.0.0.9 printer", timeout: 1 }',
    );
    const { spec, warnings } = parseScenario(text, 'dns.yaml');
    expect(warnings).toEqual([]);
    expect(spec.dns).toEqual({
      zones: [
        { origin: '.', servers: ['root'], ttl: 3600 },
        { origin: 'com.', servers: ['tld'], ttl: 172800 },
        {
          origin: 'Example.COM.',
          servers: ['ns1'],
          records: 'www  300  IN  A  203.0.113.10\n@         IN  MX 10 mail\n',
          ttl: 600,
        },
      ],
      resolvers: ['resolver'],
      clients: [
        {
          node: 'laptop',
          nameservers: [ip('10.0.0.53'), ip('10.0.0.99')],
          search: ['example.com.'],
          hosts: '10.0.0.9 printer',
          timeout: 1,
          attempts: 2,
          ndots: 1,
        },
        // Hosts not listed use the first resolver; `sniffer` has no address and no DNS.
        ...['resolver', 'root', 'tld', 'ns1'].map((node) => ({
          node,
          nameservers: [ip('10.0.0.53')],
          search: [],
          hosts: '',
          timeout: 5,
          attempts: 2,
          ndots: 1,
        })),
      ],
    });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('without resolvers needs no root zone and gives no default clients; a complete zone_file is taken as is', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:',
      '  zones:',
      '    - origin: example.com.',
      '      servers: [ns1]',
      '      zone_file: |',
      '        $TTL 300',
      '        @   SOA ns1 hostmaster 1 7200 3600 1209600 300',
      '        @   NS  ns1',
      '        ns1 A   10.0.0.54',
    );
    const { spec } = parseScenario(text, 'dns.yaml');
    expect(spec.dns?.clients).toEqual([]);
    expect(spec.dns?.zones[0]?.text).toContain('@   SOA ns1');
  });

  it('names, kinds and addresses of nodes: did-you-mean, not a switch, an address to serve on', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:', // 11
      '  zones:',
      '    - { origin: ., servers: [rot] }',
      '    - { origin: com., servers: [sw1] }',
      '    - { origin: net., servers: [sniffer] }', // 15
      '    - { origin: org., servers: tld }',
      '  resolvers: [resolvr]',
      '  clients:',
      '    laptp: { nameservers: [resolver] }',
      '    laptop: { nameservers: [resolver], frob: 1 }', // 20
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:13:30: a name server names no node 'rot' (did you mean 'root'?)",
      "t.yaml:14:33: 'sw1' is a switch; only hosts and routers run DNS (they have an IP stack)",
      "t.yaml:15:33: node 'sniffer' has no IPv4 address to serve DNS on; give it one, e.g. ip: 10.0.0.53/24",
      "t.yaml:16:32: servers: expected a list of node names (write [tld]), got 'tld'",
      "t.yaml:17:15: a resolver names no node 'resolvr' (did you mean 'resolver'?)",
      "t.yaml:19:5: a DNS client names no node 'laptp' (did you mean 'laptop'?)",
      "t.yaml:20:40: unknown key 'frob' in a DNS client; expected one of: nameservers, search, hosts, timeout, attempts, ndots",
    ]);
  });

  it('zone text errors point at their line in the YAML file, or name the line inside one-line text', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:', // 11
      '  zones:',
      '    - origin: example.com.',
      '      servers: [ns1]',
      '      records: |', // 15
      '        www  300  IN  A  203.0.113.10',
      '',
      '        mail  IN  A  300.1.1.1',
      '    - origin: example.org',
      '      servers: [ns1]', // 20
      '      records: "www A 192.0.2.1\\nftp FROB x"',
      '    - origin: example.net',
      '      servers: [ns1]',
      '      zone_file: |',
      '        $TTL 300', // 25
      '        @ NS ns1',
    );
    expect(problemLines(text)).toEqual([
      expect.stringMatching(/^t\.yaml:18:9: .*300\.1\.1\.1/),
      expect.stringMatching(/^t\.yaml:21:16: line 2 of the zone text: .*FROB/),
      't.yaml:24:18: zone example.net. has no SOA record at its apex',
    ]);
  });

  it('origins: duplicates (whatever their case or final dot), bad names, a zone without servers or origin', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:', // 11
      '  zones:',
      '    - { origin: example.com., servers: [ns1] }',
      '    - { origin: EXAMPLE.com, servers: [ns1] }',
      '    - { origin: "a..b", servers: [ns1] }', // 15
      '    - { origin: x, servers: [] }',
      '    - { servers: [ns1] }',
      '    - { origin: y, servers: [ns1], records: "a A 1.2.3.4", zone_file: "x" }',
    );
    expect(problemLines(text)).toEqual([
      't.yaml:14:17: zone EXAMPLE.com. is listed twice (first on line 13)',
      expect.stringMatching(/^t\.yaml:15:17: origin: 'a\.\.b' is not a domain name: /),
      't.yaml:16:29: servers: a zone needs at least one server',
      "t.yaml:17:7: a zone needs 'origin' (its name, such as example.com.)",
      "t.yaml:18:60: give 'records' (lines added to a generated SOA and NS) or 'zone_file' (a complete zone), not both",
    ]);
  });

  it('resolvers need the root zone and a node of their own; hosts files and options are checked', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:', // 11
      '  zones:',
      '    - { origin: com., servers: [tld] }',
      '  resolvers: [resolver, tld]',
      '  clients:', // 15
      '    laptop:',
      '      nameservers: [resolver, 10.0.0.300]',
      '      timeout: 99',
      '      hosts: |',
      '        10.0.0.9 printer', // 20
      '        10.0.0.999 nas',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:13:5: recursive resolvers start at the root: add the root zone, e.g. '- { origin: ., servers: [root] }'",
      "t.yaml:14:25: node 'tld' already serves zone com. on port 53; a recursive resolver needs a node of its own",
      "t.yaml:17:31: nameservers: '10.0.0.300' is not an IPv4 address",
      't.yaml:18:16: timeout: expected a whole number from 1 to 30, got 99',
      "t.yaml:21:9: hosts: bad address '10.0.0.999'",
    ]);
  });

  it('warns about a nameserver that runs no name server, and a fourth nameserver', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:', // 11
      '  zones: [{ origin: ., servers: [root] }]',
      '  resolvers: [resolver]',
      '  clients:',
      '    laptop: { nameservers: [ns1, 10.0.0.1, 10.0.0.2, 10.0.0.3] }', // 15
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:15:29: warning: laptop's nameserver 'ns1' runs no name server: its queries will be refused",
      "t.yaml:15:54: warning: nameservers: only the first 3 are used (glibc's MAXNS)",
    ]);
  });

  it('records that break the zone: outside the origin, a CNAME beside other data', () => {
    const text = yaml(
      ...TOPOLOGY,
      'dns:', // 11
      '  zones:',
      '    - origin: example.com',
      '      servers: [ns1]',
      '      records: |', // 15
      '        www.example.org. A 192.0.2.1',
      '    - origin: example.net',
      '      servers: [ns1]',
      '      records: |',
      '        www CNAME web', // 20
      '        www A 192.0.2.2',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:16:9: 'www.example.org.' is outside the zone example.com.",
      't.yaml:19:16: zone example.net.: www.example.net. has a CNAME and other data',
    ]);
  });
});
