/**
 * A lab with the DNS of the Internet in miniature, for the DNS command tests: a laptop
 * and its ISP's recursive resolver on one LAN, a router, and across a 10 ms link the root
 * server, the com TLD server, example.com's name server and a web server.
 *
 *   laptop 10.0.0.10, resolver 10.0.0.53 ── sw1 ── r1 ══10 ms══ sw2 ── root 192.0.2.4
 *                                                                  ├── tld 192.0.2.30
 *                                                                  ├── ns1 192.0.2.53
 *                                                                  └── web 192.0.2.80
 *
 * example.com holds www (A, TTL 300), an alias, MX records, a name with MX only
 * (NODATA for A), a large TXT (truncated over UDP) and `broken`, delegated to the web
 * server, which runs no DNS (the resolver gets port unreachable: SERVFAIL).
 */
import { MILLISECOND } from '../../src/sim/time.ts';
import { Lab } from './lab-harness.ts';

export const DNS_TOPOLOGY = `
topology:
  nodes:
    laptop: { kind: host, ip: 10.0.0.10/24, gateway: 10.0.0.1 }
    resolver: { kind: host, ip: 10.0.0.53/24, gateway: 10.0.0.1 }
    sw1: { kind: switch }
    r1: { kind: router, interfaces: { eth0: 10.0.0.1/24, eth1: 192.0.2.1/24 } }
    sw2: { kind: switch }
    root: { kind: host, ip: 192.0.2.4/24, gateway: 192.0.2.1 }
    tld: { kind: host, ip: 192.0.2.30/24, gateway: 192.0.2.1 }
    ns1: { kind: host, ip: 192.0.2.53/24, gateway: 192.0.2.1 }
    web: { kind: host, ip: 192.0.2.80/24, gateway: 192.0.2.1 }
  links:
    - [laptop, sw1]
    - [resolver, sw1]
    - [r1:eth0, sw1]
    - { endpoints: [r1:eth1, sw2], delay: ${(10 * MILLISECOND) / 1e6}ms }
    - [root, sw2]
    - [tld, sw2]
    - [ns1, sw2]
    - [web, sw2]
`;

export const EXAMPLE_COM_RECORDS = [
  'www 300 A 192.0.2.80',
  'alias CNAME www',
  '@ MX 10 mail',
  'mail A 192.0.2.25',
  'mailonly MX 10 mail',
  'broken NS ns.broken',
  'ns.broken A 192.0.2.80',
  ...Array.from({ length: 30 }, (_, i) => `big TXT "${String(i).padStart(2, '0')} ${'z'.repeat(60)}"`),
].join('\n');

export const DNS_SECTION = `
dns:
  zones:
    - { origin: ., servers: [root] }
    - { origin: com., servers: [tld] }
    - origin: example.com.
      servers: [ns1]
      records: |
${EXAMPLE_COM_RECORDS.split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
  resolvers: [resolver]
`;

/** The DNS lab, with `extra` YAML appended (a `dns:` section of its own replaces the default). */
export function dnsLab(extra = ''): Lab {
  return new Lab(DNS_TOPOLOGY + (extra.includes('dns:') ? extra : DNS_SECTION + extra));
}
