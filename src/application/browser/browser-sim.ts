/**
 * A browser on a simulated node: names resolved by the node's resolver (the DNS stub
 * resolver's NAME_RESOLVER service, or its RESOLVER), connections over the node's TCP,
 * promises settled in simulated time, events on the simulation's trace bus.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import type { Node } from '../../link/node.ts';
import { simClock } from '../../sim/clock.ts';
import { NAME_RESOLVER } from '../../transport/name-resolver.ts';
import { TCP, type TcpConnectOptions } from '../../transport/tcp/tcp-layer.ts';
import { RESOLVER } from '../dns/dns-sim.ts';
import { Browser, type BrowserOptions } from './browser.ts';
import type { NameLookup } from './host-cache.ts';

export interface SimBrowserOptions
  extends Omit<BrowserOptions, 'clock' | 'lookup' | 'connect' | 'deferred' | 'trace' | 'node'> {
  /** Names to addresses; default the node's resolver (`nodeLookup`). */
  readonly lookup?: NameLookup;
  /** Socket options of the browser's TCP connections. Default `{ noDelay: true }`, as browsers set TCP_NODELAY. */
  readonly tcp?: TcpConnectOptions;
}

/** getaddrinfo on a node: its NameResolver service, else its stub resolver, else nothing. */
export function nodeLookup(node: Node): NameLookup {
  return async (host) => {
    const names = node.service(NAME_RESOLVER);
    if (names) {
      const r = await names.lookupIpv4(host);
      return 'error' in r ? r : r.map(formatIpv4Address);
    }
    const stub = node.service(RESOLVER);
    if (stub) {
      const r = await stub.lookup(host);
      if (r.addresses.length > 0) return r.addresses;
      return {
        error:
          r.status === 'NXDOMAIN' || r.status === 'NOERROR'
            ? 'Name or service not known'
            : 'Temporary failure in name resolution',
      };
    }
    return { error: 'Name or service not known' };
  };
}

/** A browser running on `node`. */
export function simBrowser(node: Node, options: SimBrowserOptions = {}): Browser {
  const sim = node.sim;
  const { lookup, tcp, ...rest } = options;
  const tcpOptions: TcpConnectOptions = { noDelay: true, ...tcp };
  return new Browser({
    ...rest,
    clock: simClock(sim),
    lookup: lookup ?? nodeLookup(node),
    connect: (address, port) => node.requireService(TCP).connect(address, port, tcpOptions),
    deferred: () => sim.deferred(),
    trace: sim.trace,
    node: node.name,
  });
}
