/**
 * `arpspoof` (dsniff): ARP poisoning. Every 2 seconds it tells TARGET, in a forged ARP
 * reply, that HOST's IP address is at this node's MAC address. RFC 826's merge rule makes
 * TARGET overwrite its cache entry, so from then on its frames for HOST — correctly
 * switched by MAC — come here instead. Without `-t` the lie is broadcast to the whole LAN.
 *
 *   arpspoof [-i IFACE] [-t TARGET] HOST
 *
 * Output is dsniff's: `SRC DST 0806 42: arp reply HOST is-at MAC`, MACs in ether_ntoa(3)
 * form (no leading zeros). On Ctrl-C (or the end of the run) it prints "Cleaning up and
 * re-arping targets..." and sends TARGET the true address once, as the real tool does
 * (it repeats that a few times; a run that ends cannot wait for the repeats).
 *
 * This node does not forward what it receives (ip_forward stays 0), so the victim's
 * traffic stops here: the attack is visible. Left out: -c, -r (poisoning both ways).
 */
import { ArpOp } from '../../internet/arp.ts';
import { formatIpv4Address, parseIpv4Address } from '../../internet/ipv4-address.ts';
import type { Ipv4Interface } from '../../internet/ipv4-interface.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { BROADCAST_MAC, type MacAddress } from '../../link/mac-address.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { Command, CommandContext } from '../shell/command.ts';
import { stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';

const SPEC = {
  program: 'arpspoof',
  options: {
    iface: { short: 'i', value: stringValue() },
    target: { short: 't', value: stringValue() },
  },
} as const;

const INTERVAL = 2 * SECOND;

/** ether_ntoa(3): `2:0:0:0:0:1`. */
export function etherNtoa(mac: MacAddress): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--) parts.push((Math.floor(mac / 2 ** (8 * i)) % 256).toString(16));
  return parts.join(':');
}

/** Checks the cache this often while waiting for an answer. */
const POLL = 10 * MILLISECOND;

/** Asks for `ip`'s MAC (up to 3 requests, 1 s apart), as arpspoof's arp_find does. */
async function resolveMac(
  ctx: CommandContext,
  iface: Ipv4Interface,
  ip: number,
): Promise<MacAddress | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (iface.arp.lookup(ip) !== undefined) return iface.arp.lookup(ip);
    iface.arp.sendArp(BROADCAST_MAC, {
      op: ArpOp.Request,
      senderMac: iface.device.mac,
      senderIp: iface.address,
      targetMac: 0,
      targetIp: ip,
    });
    for (let waited = 0; waited < SECOND; waited += POLL) {
      await ctx.sim.sleep(POLL);
      const mac = iface.arp.lookup(ip);
      if (mac !== undefined) return mac;
    }
  }
  return undefined;
}

export const arpspoof: Command = {
  name: 'arpspoof',
  summary: 'intercept packets on a switched LAN by forging ARP replies',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 1;
    }
    const o = parsed.options;
    const hostText = parsed.positionals[0];
    if (hostText === undefined || parsed.positionals.length > 1) {
      ctx.err('Usage: arpspoof [-i interface] [-t target] host');
      return 1;
    }
    const stack = ctx.node?.service(IPV4);
    const host = parseIpv4Address(hostText) ?? ctx.network.hostAddress(hostText);
    const target =
      o.target === undefined ? undefined : (parseIpv4Address(o.target) ?? ctx.network.hostAddress(o.target));
    if (!stack || host === undefined || (o.target !== undefined && target === undefined)) {
      ctx.err(`arpspoof: can't resolve ${host === undefined ? hostText : o.target}`);
      return 1;
    }
    const iface =
      o.iface !== undefined
        ? stack.interfaceByName(o.iface)
        : (stack.interfaces.find((i) => i.onLink(target ?? host)) ?? stack.interfaces[0]);
    if (!iface || iface.address === 0) {
      ctx.err(`arpspoof: couldn't find an interface with an address`);
      return 1;
    }
    let targetMac: MacAddress = BROADCAST_MAC;
    if (target !== undefined) {
      const mac = await resolveMac(ctx, iface, target);
      if (mac === undefined) {
        ctx.err(`arpspoof: couldn't arp for host ${formatIpv4Address(target)}`);
        return 1;
      }
      targetMac = mac;
    }
    const me = iface.device.mac;
    const hostAddr = formatIpv4Address(host);
    const send = (senderMac: MacAddress): void => {
      iface.arp.sendArp(targetMac, {
        op: ArpOp.Reply,
        senderMac,
        senderIp: host,
        targetMac: targetMac === BROADCAST_MAC ? 0 : targetMac,
        targetIp: target ?? 0,
      });
      ctx.out(
        `${etherNtoa(me)} ${etherNtoa(targetMac)} 0806 42: arp reply ${hostAddr} is-at ${etherNtoa(senderMac)}`,
      );
    };
    const done = ctx.sim.deferred<number>();
    let timer = ctx.sim.after(0, function tick() {
      send(me);
      timer = ctx.sim.after(INTERVAL, tick);
    });
    ctx.onInterrupt(() => {
      timer.cancel();
      ctx.err('Cleaning up and re-arping targets...');
      const real = iface.arp.lookup(host);
      if (real !== undefined) send(real);
      done.resolve(0);
    });
    return done.promise;
  },
};
