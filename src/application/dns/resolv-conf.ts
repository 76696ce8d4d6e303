/**
 * The stub resolver's configuration, in resolv.conf(5) form: `nameserver` lines (at most
 * 3 are used, as glibc's MAXNS), `search` / `domain`, and `options timeout:N attempts:N
 * ndots:N`. Defaults are glibc's: timeout 5 s, 2 attempts, ndots 1; with no nameserver
 * line, 127.0.0.1.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { canonicalName } from './dns-name.ts';

export const MAX_NAMESERVERS = 3;

export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly search: readonly string[];
  /** Seconds per try (1..30). */
  readonly timeout: number;
  /** Passes over the nameserver list (1..5). */
  readonly attempts: number;
  readonly ndots: number;
}

export const DEFAULT_RESOLV_CONF: ResolvConf = {
  nameservers: ['127.0.0.1'],
  search: [],
  timeout: 5,
  attempts: 2,
  ndots: 1,
};

/** Parses resolv.conf text. Unknown keywords are ignored (as glibc does); bad values throw. */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  let timeout = DEFAULT_RESOLV_CONF.timeout;
  let attempts = DEFAULT_RESOLV_CONF.attempts;
  let ndots = DEFAULT_RESOLV_CONF.ndots;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/[#;].*/, '').trim();
    if (!line) return;
    const [key, ...args] = line.split(/\s+/);
    const fail = (msg: string) => new NetlabError('bad-resolv-conf', `resolv.conf:${i + 1}: ${msg}`);
    switch (key) {
      case 'nameserver':
        if (args.length !== 1 || parseIpv4Address(args[0]!) === undefined)
          throw fail(`bad nameserver '${args.join(' ')}'`);
        if (nameservers.length < MAX_NAMESERVERS) nameservers.push(args[0]!);
        break;
      case 'domain':
      case 'search':
        search = args.map((d) => {
          try {
            return canonicalName(d);
          } catch {
            throw fail(`bad domain '${d}'`);
          }
        });
        break;
      case 'options':
        for (const o of args) {
          const m = /^(timeout|attempts|ndots):(\d+)$/.exec(o);
          if (!m) continue;
          const v = Number(m[2]);
          if (m[1] === 'timeout') timeout = Math.min(Math.max(v, 1), 30);
          else if (m[1] === 'attempts') attempts = Math.min(Math.max(v, 1), 5);
          else ndots = Math.min(v, 15);
        }
        break;
    }
  });
  return {
    nameservers: nameservers.length ? nameservers : DEFAULT_RESOLV_CONF.nameservers,
    search,
    timeout,
    attempts,
    ndots,
  };
}
