/**
 * `arp`: the node's ARP cache (RFC 826), as net-tools arp shows and changes it.
 *
 *   arp            the table (names where known)     arp -n     the table, numeric
 *   arp -a         BSD style, one line per entry      arp -an    the same, numeric
 *   arp -i IFACE   only that interface's entries
 *   arp -s ADDR MAC   a permanent entry               arp -d ADDR   forget an entry
 *
 * Entries come per interface in the order they were created, as a small kernel table
 * lists them. Left out: proxy ARP (`pub`), hardware types other than Ethernet.
 */
import { formatIpv4Address, parseIpv4Address } from '../../internet/ipv4-address.ts';
import type { Ipv4Interface } from '../../internet/ipv4-interface.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { formatMac, parseMac } from '../../link/mac-address.ts';
import { type ArpEntry, arpAllLines, arpTableLines } from '../format/arp.ts';
import type { Command } from '../shell/command.ts';
import { stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { reverseName } from '../shell/resolve-host.ts';

const SPEC = {
  program: 'arp',
  options: {
    all: { short: 'a' },
    numeric: { short: 'n' },
    iface: { short: 'i', value: stringValue() },
    set: { short: 's' },
    delete: { short: 'd' },
    verbose: { short: 'v' },
  },
} as const;

export const arp: Command = {
  name: 'arp',
  summary: 'show and change the ARP cache',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 1;
    }
    const o = parsed.options;
    const ip = ctx.node?.service(IPV4);
    if (!ip) {
      ctx.err('arp: this node has no IPv4 stack');
      return 1;
    }
    let ifaces: readonly Ipv4Interface[] = ip.interfaces;
    if (o.iface !== undefined) {
      const one = ip.interfaceByName(o.iface);
      if (!one) {
        ctx.err(`SIOCGIFADDR: No such device`);
        return 1;
      }
      ifaces = [one];
    }
    if (o.set || o.delete) {
      const [addrText, macText] = parsed.positionals;
      const addr = addrText === undefined ? undefined : parseIpv4Address(addrText);
      if (addr === undefined) {
        ctx.err(`${addrText ?? ''}: Unknown host`);
        return 1;
      }
      const iface = o.iface !== undefined ? ifaces[0] : ip.interfaces.find((i) => i.onLink(addr));
      if (!iface) {
        ctx.err('SIOCSARP: Network is unreachable');
        return 1;
      }
      if (o.delete) {
        if (!iface.arp.delete(addr)) {
          ctx.err('No ARP entry for ' + addrText);
          return 1;
        }
        return 0;
      }
      const mac = macText === undefined ? undefined : parseMac(macText);
      if (mac === undefined) {
        ctx.err(`arp: invalid hardware address`);
        return 1;
      }
      iface.arp.setStatic(addr, mac);
      return 0;
    }
    const entries: ArpEntry[] = [];
    for (const iface of ifaces) {
      for (const e of iface.arp.list()) {
        entries.push({
          address: formatIpv4Address(e.ip),
          name: reverseName(ctx, e.ip),
          mac: e.mac === null ? undefined : formatMac(e.mac),
          device: e.iface,
          permanent: e.permanent,
        });
      }
    }
    const lines = o.all
      ? arpAllLines(entries, { numeric: o.numeric })
      : arpTableLines(entries, { numeric: o.numeric });
    for (const l of lines) ctx.out(l);
    return 0;
  },
};
