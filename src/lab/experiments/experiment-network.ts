/**
 * The network every web experiment runs on: client — router — server.
 *
 *   client 10.0.1.10 ── r1 ── server 10.0.2.80
 *
 * Both links run at `rate` bit/s (default 50 Mbit/s, a home broadband line) with a one-way
 * delay of RTT/4 each, so the client–server round trip is the RTT plus serialisation.
 * `loss` is the probability that a frame crossing the router–server link is lost, in
 * either direction (data and ACKs alike), drawn from the link's seeded random stream: the
 * seed decides which frames. ARP entries are static, so no run waits for ARP, and the URL
 * the experiments type is the server's address: no DNS in the figures.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import { Network } from '../network.ts';
import { parseScenario } from '../scenario/index.ts';

export interface ExperimentNetworkOptions {
  readonly rtt: Time;
  /** Bit/s. */
  readonly rate: number;
  /** Probability in [0, 1) that a frame on the router–server link is lost. Default 0. */
  readonly loss?: number;
  readonly seed: number;
}

/** Largest RTT the experiments accept. */
export const MAX_RTT = 10 * SECOND;

/** The client — router — server network of one run, with the server's address. */
export function experimentNetwork(o: ExperimentNetworkOptions): { network: Network; serverAddress: string } {
  const loss = o.loss ?? 0;
  if (!(loss >= 0 && loss < 1)) throw new NetlabError('experiment-bad-option', 'loss must be in [0, 1)');
  const oneWay = Math.round(o.rtt / 4);
  const yaml = `
name: web-experiment
seed: ${o.seed}
topology:
  nodes:
    client: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
    server: { kind: host, ip: 10.0.2.80/24, gateway: 10.0.2.1 }
    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
  links:
    - { endpoints: [client, r1:eth0], rate: ${o.rate}bps, delay: ${oneWay}ns }
    - { endpoints: [r1:eth1, server], rate: ${o.rate}bps, delay: ${oneWay}ns, loss: ${loss} }
routing: static
`;
  const network = new Network(parseScenario(yaml, 'web-experiment.yaml').spec);
  primeArp(network, 'client', 'r1', 'eth0', 'eth0');
  primeArp(network, 'r1', 'server', 'eth1', 'eth0');
  return { network, serverAddress: formatIpv4Address(network.hostAddress('server')!) };
}

/** Static ARP entries both ways across one cable. */
function primeArp(network: Network, a: string, b: string, aIf: string, bIf: string): void {
  const ia = network
    .requireNode(a)
    .requireService(IPV4)
    .interfaces.find((i) => i.name === aIf)!;
  const ib = network
    .requireNode(b)
    .requireService(IPV4)
    .interfaces.find((i) => i.name === bIf)!;
  ia.arp.setStatic(ib.address, ib.device.mac);
  ib.arp.setStatic(ia.address, ia.device.mac);
}
