/**
 * The hosts file (/etc/hosts, hosts(5)): lines of `address name [aliases...]`, `#`
 * comments. Looked up before DNS by the stub resolver, as glibc's "files dns" order
 * does. Names match without regard to case; the first line naming a host wins for its
 * canonical name, and every line contributes addresses.
 *
 * Limits: at most 10000 entries; malformed lines are reported with their line number.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { canonicalName, nameKey } from './dns-name.ts';
import { formatIpv6, parseIpv6 } from './ipv6-text.ts';

export interface HostsEntry {
  readonly address: string;
  readonly family: 4 | 6;
  readonly names: readonly string[];
}

export const MAX_HOSTS_ENTRIES = 10_000;

export class HostsFile {
  readonly entries: readonly HostsEntry[];

  constructor(entries: readonly HostsEntry[] = []) {
    if (entries.length > MAX_HOSTS_ENTRIES)
      throw new NetlabError('bad-hosts', `more than ${MAX_HOSTS_ENTRIES} entries`);
    this.entries = entries;
  }

  /** Parses hosts(5) text. Throws NetlabError('bad-hosts') naming the line (also in `details.line`). */
  static parse(text: string): HostsFile {
    const entries: HostsEntry[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const [address, ...names] = line.split(/\s+/);
      const v4 = parseIpv4Address(address!);
      const v6 = v4 === undefined ? parseIpv6(address!) : undefined;
      if (v4 === undefined && v6 === undefined)
        throw new NetlabError('bad-hosts', `hosts:${i + 1}: bad address '${address}'`, { line: i + 1 });
      if (names.length === 0)
        throw new NetlabError('bad-hosts', `hosts:${i + 1}: no host name after ${address}`, { line: i + 1 });
      for (const n of names) {
        try {
          canonicalName(n);
        } catch {
          throw new NetlabError('bad-hosts', `hosts:${i + 1}: bad host name '${n}'`, { line: i + 1 });
        }
      }
      entries.push({ address: v6 ? formatIpv6(v6) : address!, family: v6 ? 6 : 4, names });
    });
    return new HostsFile(entries);
  }

  /** Addresses of `name` of one family (4 for A, 6 for AAAA). */
  lookup(name: string, family: 4 | 6): string[] {
    const k = nameKey(name.endsWith('.') ? name.slice(0, -1) : name);
    return this.entries
      .filter((e) => e.family === family && e.names.some((n) => nameKey(n) === k))
      .map((e) => e.address);
  }

  /** The first name for an address (reverse lookups). */
  nameOf(address: string): string | undefined {
    return this.entries.find((e) => e.address === address)?.names[0];
  }
}
