/**
 * `arping` (iputils): ARP requests to one address, the replies and their times.
 *
 *   arping [-c COUNT] [-w SECONDS] [-I IFACE] [-s SOURCE] [-U | -A | -D] [-b] [-q] TARGET
 *
 * The first probe is broadcast; once a reply came, later probes go unicast to the MAC it
 * gave (unless -b), one per second. -U sends unsolicited (gratuitous) ARP requests and
 * -A unsolicited replies, announcing our own address so that every cache on the LAN
 * updates its entry (RFC 5227 §3); -D is duplicate address detection (sender address
 * 0.0.0.0): any reply means the address is already in use.
 *
 * Output and exit status follow iputils arping: `Unicast reply from 10.0.0.2
 * [02:00:00:00:00:02]  0.651ms`, then `Sent N probes (M broadcast(s))` and `Received K
 * response(s)`; status 0 when a reply came (or for -U/-A), 1 when none did, 2 for usage
 * errors. With -D the status is 1 when the address is taken.
 */
import { ArpOp } from '../../internet/arp.ts';
import { formatIpv4Address, parseIpv4Address } from '../../internet/ipv4-address.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { BROADCAST_MAC, formatMac, type MacAddress } from '../../link/mac-address.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { Command } from '../shell/command.ts';
import { integerValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';

const SPEC = {
  program: 'arping',
  options: {
    count: { short: 'c', value: integerValue({ label: 'invalid argument', min: 1 }) },
    deadline: { short: 'w', value: integerValue({ label: 'invalid argument', min: 0 }) },
    iface: { short: 'I', value: stringValue() },
    source: { short: 's', value: stringValue() },
    unsolicited: { short: 'U' },
    announceReply: { short: 'A' },
    dad: { short: 'D' },
    broadcast: { short: 'b' },
    quiet: { short: 'q' },
  },
} as const;

function ms(ns: Time): string {
  const us = Math.floor(ns / 1000);
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}ms`;
}

export const arping: Command = {
  name: 'arping',
  summary: 'send ARP REQUEST to a neighbour host',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 2;
    }
    const o = parsed.options;
    const text = parsed.positionals[0];
    const target = text === undefined ? undefined : (parseIpv4Address(text) ?? ctx.network.hostAddress(text));
    if (text === undefined || parsed.positionals.length > 1) {
      ctx.err('arping: usage error: Destination address required');
      return 2;
    }
    if (target === undefined) {
      ctx.err(`arping: ${text}: Name or service not known`);
      return 2;
    }
    const stack = ctx.node?.service(IPV4);
    const iface =
      o.iface !== undefined
        ? stack?.interfaceByName(o.iface)
        : (stack?.interfaces.find((i) => i.onLink(target)) ?? stack?.interfaces.find((i) => i.address !== 0));
    if (!stack || !iface) {
      ctx.err(
        o.iface === undefined ? 'arping: no suitable interface' : `arping: Device ${o.iface} not available.`,
      );
      return 2;
    }
    const gratuitous = o.unsolicited || o.announceReply;
    const source = o.dad
      ? 0
      : gratuitous
        ? target
        : o.source !== undefined
          ? parseIpv4Address(o.source)
          : iface.sourceFor(target);
    if (source === undefined) {
      ctx.err(`arping: invalid source ${o.source}`);
      return 2;
    }
    const sim = ctx.sim;
    const count = o.count;
    ctx.out(`ARPING ${formatIpv4Address(target)} from ${formatIpv4Address(source)} ${iface.name}`);
    let sent = 0;
    let broadcasts = 0;
    let received = 0;
    let unicastTo: MacAddress | undefined;
    let lastSent = sim.now;
    let finished = false;
    const done = sim.deferred<number>();
    const dev = iface.device;

    const stopObserving = iface.arp.observe((p) => {
      if (finished || gratuitous || p.senderIp !== target || p.op !== ArpOp.Reply) return;
      if (p.targetIp !== source && !o.dad) return;
      received++;
      if (!o.broadcast) unicastTo = p.senderMac;
      if (!o.quiet) {
        ctx.out(
          `Unicast reply from ${formatIpv4Address(target)} [${formatMac(p.senderMac).toUpperCase()}]  ${ms(sim.now - lastSent)}`,
        );
      }
      if (o.dad || (count !== undefined && received >= count)) finish();
    });

    const finish = (): void => {
      if (finished) return;
      finished = true;
      timer?.cancel();
      deadline?.cancel();
      stopObserving();
      ctx.out(`Sent ${sent} probes (${broadcasts} broadcast(s))`);
      ctx.out(`Received ${received} response(s)`);
      done.resolve(o.dad ? (received > 0 ? 1 : 0) : gratuitous || received > 0 ? 0 : 1);
    };

    let timer: ReturnType<typeof sim.after> | undefined;
    const probe = (): void => {
      if (finished) return;
      const to = unicastTo ?? BROADCAST_MAC;
      iface.arp.sendArp(to, {
        op: o.announceReply ? ArpOp.Reply : ArpOp.Request,
        senderMac: dev.mac,
        senderIp: source,
        targetMac: to === BROADCAST_MAC ? 0 : to,
        targetIp: target,
      });
      sent++;
      if (to === BROADCAST_MAC) broadcasts++;
      lastSent = sim.now;
      if (count !== undefined && sent >= count) {
        // Wait a second for the last reply, as arping does.
        timer = sim.after(SECOND, finish);
      } else {
        timer = sim.after(SECOND, probe);
      }
    };
    const deadline = o.deadline === undefined ? undefined : sim.after(o.deadline * SECOND, finish);
    ctx.onInterrupt(finish);
    probe();
    return done.promise;
  },
};
