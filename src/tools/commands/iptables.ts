/**
 * `iptables` (the filter table of iptables 1.8): a node's firewall (src/internet/firewall.ts).
 *
 *   iptables -A|-I CHAIN [-p icmp|tcp|udp|all] [-s NET] [-d NET] [--sport N] [--dport N]
 *            [--icmp-type TYPE] [-i IFACE] [-o IFACE] -j ACCEPT|DROP|REJECT [--reject-with T]
 *   iptables -D CHAIN N       iptables -F [CHAIN]      iptables -P CHAIN ACCEPT|DROP
 *   iptables -L [CHAIN] [-n] [-v]                      iptables -S [CHAIN]
 *
 * CHAIN is INPUT (for this node), FORWARD (routed through it) or OUTPUT (sent by it).
 * `-L` prints as iptables does (`anywhere`, service names such as `dpt:http` and ICMP type
 * names unless -n; packet and byte counters with -v); `-S` prints the rules as the
 * commands that make them. Errors use iptables' wording and exit status 2 (usage) or 1.
 *
 * Left out: `-m` matches (state, multiport...), `!` negation, other tables, `-R`, `-Z`.
 */
import { serviceName } from '../format/services.ts';
import {
  CHAINS,
  type ChainName,
  type CountedRule,
  Firewall,
  type FirewallRule,
  REJECT_CODES,
  type RejectWith,
} from '../../internet/firewall.ts';
import {
  formatIpv4Prefix,
  type Ipv4Prefix,
  parseIpv4Address,
  parseIpv4Prefix,
  prefixMask,
} from '../../internet/ipv4-address.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import type { Command, CommandContext } from '../shell/command.ts';

const PROTOCOLS: Readonly<Record<string, number | undefined>> = { all: undefined, icmp: 1, tcp: 6, udp: 17 };
const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp' };

/** ICMP type names, as `iptables -p icmp -h` lists the common ones. */
const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
};
const ICMP_NAMES = Object.fromEntries(Object.entries(ICMP_TYPES).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;

class UsageError {
  constructor(
    readonly message: string,
    readonly status = 2,
  ) {}
}

function chainOf(word: string | undefined): ChainName {
  if (word === undefined)
    throw new UsageError('iptables v1.8.9 (legacy): option requires an argument -- chain');
  if (!(CHAINS as readonly string[]).includes(word)) {
    throw new UsageError(`iptables: No chain/target/match by that name.`, 1);
  }
  return word as ChainName;
}

function prefixOf(word: string | undefined): Ipv4Prefix {
  let p: Ipv4Prefix | undefined;
  if (word?.includes('/')) p = parseIpv4Prefix(word);
  else {
    const a = word === undefined ? undefined : parseIpv4Address(word);
    p = a === undefined ? undefined : { address: a, length: 32 };
  }
  if (!p) throw new UsageError(`iptables v1.8.9 (legacy): host/network \`${word ?? ''}' not found`);
  return { address: (p.address & prefixMask(p.length)) >>> 0, length: p.length };
}

function portOf(word: string | undefined): number {
  const n = Number(word);
  if (word === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`iptables v1.8.9 (legacy): invalid port/service \`${word ?? ''}' specified`);
  }
  return n;
}

/** Parses a rule's words (after the chain); throws UsageError. */
function parseRule(words: readonly string[]): FirewallRule {
  const r: { -readonly [K in keyof FirewallRule]?: FirewallRule[K] } = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = () => {
      const v = words[++i];
      if (v === undefined)
        throw new UsageError(`iptables v1.8.9 (legacy): option "${w}" requires an argument`);
      return v;
    };
    switch (w) {
      case '-p':
      case '--protocol': {
        const p = next().toLowerCase();
        if (!(p in PROTOCOLS))
          throw new UsageError(`iptables v1.8.9 (legacy): unknown protocol "${p}" specified`);
        r.protocol = PROTOCOLS[p];
        break;
      }
      case '-s':
      case '--source':
        r.source = prefixOf(next());
        break;
      case '-d':
      case '--destination':
        r.destination = prefixOf(next());
        break;
      case '--sport':
      case '--source-port':
        r.sourcePort = portOf(next());
        break;
      case '--dport':
      case '--destination-port':
        r.destinationPort = portOf(next());
        break;
      case '--icmp-type': {
        const t = next();
        const n = ICMP_TYPES[t] ?? (/^\d+$/.test(t) ? Number(t) : undefined);
        if (n === undefined || n > 255)
          throw new UsageError(`iptables v1.8.9 (legacy): Invalid ICMP type \`${t}'`);
        r.icmpType = n;
        break;
      }
      case '-i':
      case '--in-interface':
        r.inIface = next();
        break;
      case '-o':
      case '--out-interface':
        r.outIface = next();
        break;
      case '-j':
      case '--jump': {
        const t = next();
        if (t !== 'ACCEPT' && t !== 'DROP' && t !== 'REJECT') {
          throw new UsageError(
            `iptables v1.8.9 (legacy): Couldn't load target \`${t}':No such file or directory`,
          );
        }
        r.target = t;
        break;
      }
      case '--reject-with': {
        const t = next();
        if (!(t in REJECT_CODES))
          throw new UsageError(`iptables v1.8.9 (legacy): unknown reject type "${t}"`);
        r.rejectWith = t as RejectWith;
        break;
      }
      default:
        throw new UsageError(`iptables v1.8.9 (legacy): unknown option "${w}"`);
    }
  }
  if (
    (r.sourcePort !== undefined || r.destinationPort !== undefined) &&
    r.protocol !== 6 &&
    r.protocol !== 17
  ) {
    throw new UsageError('iptables v1.8.9 (legacy): unknown option "--dport"');
  }
  if (r.icmpType !== undefined && r.protocol !== 1)
    throw new UsageError('iptables v1.8.9 (legacy): unknown option "--icmp-type"');
  if (r.rejectWith !== undefined && r.target !== 'REJECT')
    throw new UsageError('iptables v1.8.9 (legacy): unknown option "--reject-with"');
  if (r.target === undefined)
    throw new UsageError('iptables: a rule needs a target (-j ACCEPT, DROP or REJECT)');
  return r as FirewallRule;
}

function ruleWords(r: FirewallRule): string {
  const parts: string[] = [];
  if (r.source) parts.push('-s', formatIpv4Prefix(r.source));
  if (r.destination) parts.push('-d', formatIpv4Prefix(r.destination));
  if (r.inIface) parts.push('-i', r.inIface);
  if (r.outIface) parts.push('-o', r.outIface);
  if (r.protocol !== undefined) parts.push('-p', PROTOCOL_NAMES[r.protocol]!);
  if (r.protocol !== undefined && (r.sourcePort !== undefined || r.destinationPort !== undefined)) {
    parts.push('-m', PROTOCOL_NAMES[r.protocol]!);
  }
  if (r.sourcePort !== undefined) parts.push('--sport', String(r.sourcePort));
  if (r.destinationPort !== undefined) parts.push('--dport', String(r.destinationPort));
  if (r.icmpType !== undefined) parts.push('-m', 'icmp', '--icmp-type', String(r.icmpType));
  parts.push('-j', r.target);
  if (r.target === 'REJECT') parts.push('--reject-with', r.rejectWith ?? 'icmp-port-unreachable');
  return parts.join(' ');
}

function where(p: Ipv4Prefix | undefined, numeric: boolean): string {
  if (!p) return numeric ? '0.0.0.0/0' : 'anywhere';
  return p.length === 32 ? formatIpv4Prefix(p).replace(/\/32$/, '') : formatIpv4Prefix(p);
}

function extras(r: FirewallRule, numeric: boolean): string {
  const out: string[] = [];
  const proto = r.protocol === undefined ? undefined : PROTOCOL_NAMES[r.protocol];
  const port = (n: number) => (numeric ? String(n) : serviceName(n));
  if (r.sourcePort !== undefined || r.destinationPort !== undefined) {
    let s = `${proto}`;
    if (r.sourcePort !== undefined) s += ` spt:${port(r.sourcePort)}`;
    if (r.destinationPort !== undefined) s += ` dpt:${port(r.destinationPort)}`;
    out.push(s);
  }
  if (r.icmpType !== undefined)
    out.push(numeric ? `icmptype ${r.icmpType}` : `icmp ${ICMP_NAMES[r.icmpType] ?? r.icmpType}`);
  if (r.target === 'REJECT') out.push(`reject-with ${r.rejectWith ?? 'icmp-port-unreachable'}`);
  return out.join(' ');
}

/** `-L` of one chain, iptables' columns (list_entries/print_firewall). */
function listChain(fw: Firewall, chain: ChainName, numeric: boolean, verbose: boolean): string[] {
  const c = fw.chains[chain];
  const head = verbose
    ? `Chain ${chain} (policy ${c.policy} ${c.policyPackets} packets, ${c.policyBytes} bytes)`
    : `Chain ${chain} (policy ${c.policy})`;
  const cols = verbose
    ? ' pkts bytes target     prot opt in     out     source               destination         '
    : 'target     prot opt source               destination         ';
  const rows = c.rules.map((r: CountedRule) => {
    const prot = r.protocol === undefined ? 'all' : PROTOCOL_NAMES[r.protocol]!;
    const base = `${r.target.padEnd(10)} ${prot.padEnd(4)} --  `;
    const vpart = verbose ? `${String(r.packets).padStart(5)} ${String(r.bytes).padStart(5)} ` : '';
    const io = verbose ? `${(r.inIface ?? '*').padEnd(6)} ${(r.outIface ?? '*').padEnd(6)}  ` : '';
    const x = extras(r, numeric);
    return `${vpart}${base}${io}${where(r.source, numeric).padEnd(20)} ${where(r.destination, numeric).padEnd(20)}${x ? ` ${x}` : ''}`.trimEnd();
  });
  return [head, cols, ...rows];
}

export const iptables: Command = {
  name: 'iptables',
  summary: 'the firewall: rules that accept, drop or reject packets',
  scope: 'node',
  async run(argv, ctx: CommandContext) {
    const ip = ctx.node?.service(IPV4);
    if (!ip) {
      ctx.err("iptables v1.8.9 (legacy): can't initialize iptables table `filter': Table does not exist");
      return 3;
    }
    const fw = Firewall.of(ip);
    try {
      const [op, ...rest] = argv;
      switch (op) {
        case '-A':
        case '--append':
        case '-I':
        case '--insert': {
          const chain = chainOf(rest[0]);
          const c = fw.chains[chain];
          if (c.rules.length >= 1000) throw new UsageError(`iptables: Memory allocation problem.`, 1);
          const rule: CountedRule = { ...parseRule(rest.slice(1)), packets: 0, bytes: 0 };
          if (op === '-A' || op === '--append') c.rules.push(rule);
          else c.rules.unshift(rule);
          return 0;
        }
        case '-D':
        case '--delete': {
          const chain = chainOf(rest[0]);
          const c = fw.chains[chain];
          const n = Number(rest[1]);
          if (rest.length === 2 && Number.isInteger(n)) {
            if (n < 1 || n > c.rules.length) throw new UsageError('iptables: Index of deletion too big.', 1);
            c.rules.splice(n - 1, 1);
            return 0;
          }
          const want = ruleWords(parseRule(rest.slice(1)));
          const at = c.rules.findIndex((r) => ruleWords(r) === want);
          if (at < 0)
            throw new UsageError('iptables: Bad rule (does a matching rule exist in that chain?).', 1);
          c.rules.splice(at, 1);
          return 0;
        }
        case '-F':
        case '--flush': {
          for (const chain of rest[0] === undefined ? CHAINS : [chainOf(rest[0])])
            fw.chains[chain].rules.length = 0;
          return 0;
        }
        case '-P':
        case '--policy': {
          const chain = chainOf(rest[0]);
          const policy = rest[1];
          if (policy !== 'ACCEPT' && policy !== 'DROP')
            throw new UsageError(`iptables: Bad policy name. Run \`dmesg' for more information.`, 1);
          fw.chains[chain].policy = policy;
          return 0;
        }
        case '-S':
        case '--list-rules': {
          for (const chain of rest[0] === undefined ? CHAINS : [chainOf(rest[0])]) {
            ctx.out(`-P ${chain} ${fw.chains[chain].policy}`);
          }
          for (const chain of rest[0] === undefined ? CHAINS : [chainOf(rest[0])]) {
            for (const r of fw.chains[chain].rules) ctx.out(`-A ${chain} ${ruleWords(r)}`);
          }
          return 0;
        }
        default: {
          // -L, possibly with -n and -v given apart or together (-L -n -v, -nvL, -Lnv).
          const flags = argv.filter((w) => /^-[a-zA-Z]+$/.test(w)).join('');
          if (op === undefined || (!flags.includes('L') && !argv.includes('--list'))) {
            throw new UsageError(
              "iptables v1.8.9 (legacy): no command specified\nTry `iptables -h' or 'iptables --help' for more information.",
            );
          }
          const named = argv.find((w) => !w.startsWith('-'));
          const chains = named === undefined ? CHAINS : [chainOf(named)];
          chains.forEach((chain, i) => {
            if (i > 0) ctx.out('');
            for (const l of listChain(fw, chain, flags.includes('n'), flags.includes('v'))) ctx.out(l);
          });
          return 0;
        }
      }
    } catch (e) {
      if (e instanceof UsageError) {
        for (const l of e.message.split('\n')) ctx.err(l);
        return e.status;
      }
      throw e;
    }
  },
};
