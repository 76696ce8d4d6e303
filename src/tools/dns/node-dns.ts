/**
 * The DNS tools on a simulated node: the DnsIo they share (the node's UDP and TCP, and
 * one random stream for every dig, nslookup and host run on the node, so two runs draw
 * different IDs and ports), and the environment they read — the node's resolv.conf
 * (its stub resolver's; 127.0.0.1 when it has none, as on a host without a resolv.conf),
 * server names resolved as `ping` resolves them, and WHEN from the simulated wall clock
 * (src/sim/time.ts `simWallClockMs`: a fixed date plus simulated time, the same clock
 * HTTP dates and cookies read).
 */
import { RESOLVER, simDnsIo } from '../../application/dns/dns-sim.ts';
import type { DnsIo } from '../../application/dns/dns-io.ts';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import type { Node } from '../../link/node.ts';
import { ServiceKey } from '../../link/service-key.ts';
import { UDP } from '../../transport/udp/udp-layer.ts';
import type { CommandContext } from '../shell/command.ts';
import { resolveHost } from '../shell/resolve-host.ts';
import type { DnsToolEnvironment } from './query-loop.ts';
import { simWallClockMs } from '../../sim/time.ts';

const TOOLS_IO = new ServiceKey<DnsIo>('DNS tools I/O');

/** The node's DnsIo for the DNS tools; undefined when it has no UDP (a switch, a hub). */
export function toolDnsIo(node: Node): DnsIo | undefined {
  const existing = node.service(TOOLS_IO);
  if (existing) return existing;
  if (!node.service(UDP)) return undefined;
  const io = simDnsIo(node, undefined, 'dns/tools');
  node.setService(TOOLS_IO, io);
  return io;
}

/** What dig, nslookup and host read from the node they run on. */
export function nodeDnsEnvironment(ctx: CommandContext): DnsToolEnvironment {
  const conf = ctx.node?.service(RESOLVER)?.conf;
  return {
    nameservers: conf?.nameservers ?? ['127.0.0.1'],
    search: conf?.search ?? [],
    ndots: conf?.ndots ?? 1,
    async resolveServer(name) {
      const r = await resolveHost(ctx, name);
      return 'error' in r ? undefined : formatIpv4Address(r.address);
    },
    whenMs: () => simWallClockMs(ctx.sim.now),
    out: (l) => ctx.out(l),
    err: (l) => ctx.err(l),
  };
}
