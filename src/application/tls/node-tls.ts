/**
 * TLS on a simulated node: what a node's browser or operating system brings to every TLS
 * connection it makes — its trust store (the roots it ships), its seeded randomness and its
 * wall clock (the scenario's epoch plus simulated time) — installed once as a node service,
 * so tools (curl, a browser) and servers on the node open TLS with one call and everything
 * is traced to the simulation's bus, key log lines included.
 *
 *   const tls = installTls(node, { trustStore: pki.browserTrust });
 *   const secure = await tls.connect(await tcp.connect(addr, 443), { serverName: 'www.shop.test' });
 */
import type { Node } from '../../link/node.ts';
import { ServiceKey } from '../../link/service-key.ts';
import { simClock } from '../../sim/clock.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { DEFAULT_SIM_EPOCH, type UnixTime, wallClockOf } from '../pki/der-time.ts';
import { type RandomSource, seededRandomSource } from '../pki/random-source.ts';
import type { TrustStore } from '../pki/trust-store.ts';
import type { Credential } from './config.ts';
import {
  type TlsAcceptOptions,
  type TlsConnectOptions,
  type TlsStream,
  tlsAccept,
  tlsConnect,
} from './tls-stream.ts';

export interface NodeTls {
  readonly trustStore: TrustStore;
  readonly random: RandomSource;
  /** The node's wall clock, seconds since 1970. */
  readonly now: () => UnixTime;
  /**
   * Client certificates the node holds (mutual TLS), by name: what `curl --cert NAME`
   * presents, and what the node's browser presents when a server asks.
   */
  readonly clientCertificates: ReadonlyMap<string, Credential>;
  /** A TLS client over `transport`, with the node's trust store, randomness, clock and trace. */
  connect(transport: ByteStream, options: Partial<TlsConnectOptions>): Promise<TlsStream>;
  /** A TLS server over `transport` (options must name the certificates). */
  accept(
    transport: ByteStream,
    options: Partial<TlsAcceptOptions> & Pick<TlsAcceptOptions, 'certificates'>,
  ): Promise<TlsStream>;
}

export const NODE_TLS = new ServiceKey<NodeTls>('TLS');

export interface InstallTlsOptions {
  readonly trustStore: TrustStore;
  /** Calendar time of simulated time 0. Default DEFAULT_SIM_EPOCH (2025-01-01). */
  readonly epoch?: UnixTime;
  /** Receives the node's NSS key log lines (they are traced as 'tls.keylog' too). */
  readonly keyLog?: (line: string) => void;
  /** Client certificates the node holds, by name. Default none. */
  readonly clientCertificates?: ReadonlyMap<string, Credential>;
}

/** Installs (or replaces) the TLS service of `node`. */
export function installTls(node: Node, options: InstallTlsOptions): NodeTls {
  const sim = node.sim;
  const random = seededRandomSource(node.random.fork('tls'));
  const now = wallClockOf(simClock(sim), options.epoch ?? DEFAULT_SIM_EPOCH);
  const common = {
    random,
    now,
    // Simulated time: the close linger (tls-stream.ts) and any handshake timeout run on it.
    clock: simClock(sim),
    trace: sim,
    node: node.name,
    deferred: <T>() => sim.deferred<T>(),
    ...(options.keyLog ? { keyLog: options.keyLog } : {}),
  };
  const service: NodeTls = {
    trustStore: options.trustStore,
    random,
    now,
    clientCertificates: options.clientCertificates ?? new Map(),
    connect: (transport, o) => tlsConnect(transport, { ...common, trustStore: options.trustStore, ...o }),
    accept: (transport, o) => tlsAccept(transport, { ...common, ...o }),
  };
  node.setService(NODE_TLS, service);
  return service;
}
