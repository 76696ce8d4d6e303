/**
 * `ScenarioSpec`: a scenario fully resolved into plain data — what the runtime builds a
 * network from. Produced by `parseScenario` from a YAML file, or by TypeScript callers from
 * the topology builders.
 *
 * Everything is concrete (no defaults left to apply, no units left to parse): rates in
 * bit/s, times in integer ns, probabilities in [0, 1], IPv4 addresses as uint32 numbers,
 * every link endpoint naming a real interface. The value is JSON-serialisable (no
 * Infinity, no Maps, no classes), so the web lab can post it to a worker.
 */
import type { QueueLimit } from '../../link/drop-tail-queue.ts';
import type { Time } from '../../sim/time.ts';
import type { Ipv4Prefix } from '../../internet/ipv4-address.ts';

export type { Ipv4Prefix, QueueLimit };

export interface ScenarioSpec {
  /** The scenario's name (the file's base name unless `name:` is given). */
  readonly name: string;
  /** English explanation of what the scenario shows; '' when absent. */
  readonly description: string;
  /** Korean explanation; '' when absent. */
  readonly descriptionKo: string;
  /** Root seed of every random stream in the run (uint32). */
  readonly seed: number;
  /** How long to simulate, in ns. */
  readonly duration: Time;
  /**
   * `global`: the runtime computes shortest-path routes from the topology for every node
   * without a gateway, and recomputes them `convergence` after a failure or repair.
   * `static`: only connected routes, `gateway` and `routes` entries.
   */
  readonly routing: RoutingMode;
  /** Delay between a failure/repair and global routing reacting to it, in ns. */
  readonly convergence: Time;
  /** Nodes in a stable order: generated nodes first, then the file's, in file order. */
  readonly nodes: readonly NodeSpec[];
  /** Links in a stable order: generated links first, then the file's, in file order. */
  readonly links: readonly LinkSpec[];
  /** Script steps sorted by time (stable: steps at the same time keep file order). */
  readonly script: readonly ScriptStep[];
  /** The lab's DNS (`dns:`); absent when the file has none. */
  readonly dns?: DnsSpec;
  /** Web servers (`web:`); absent when the file has none. */
  readonly web?: readonly WebServerSpec[];
  /** CAs of the scenario's own (`pki:`); absent when the file has none. */
  readonly pki?: PkiSpec;
}

/**
 * The lab's public key infrastructure beyond the simulated Internet's (WebPki: the Netlab
 * roots every host trusts and the issuing CA that signs web servers' certificates): root
 * CAs of the scenario's own, each trusted by the nodes listed and nobody else.
 */
export interface PkiSpec {
  readonly cas: readonly PkiCaSpec[];
  /** Client certificates (mutual TLS), each held by one node; absent when there are none. */
  readonly clients?: readonly PkiClientSpec[];
}

/**
 * A client certificate issued to a node (`pki.clients`): subject CN=`name`,
 * extendedKeyUsage clientAuth only, no subjectAltName — what a CA issues a person or a
 * device for TLS client authentication (RFC 5280 §4.2.1.12).
 */
export interface PkiClientSpec {
  /** The subject's common name, and the name `curl --cert` uses on the node. */
  readonly name: string;
  /** The node that holds the certificate and its key. */
  readonly node: string;
  /** The CA that signs it: absent for the lab's issuing CA, else a CA's common name. */
  readonly issuer?: string;
  /** Start of validity, seconds relative to the scenario's start (negative: before it). */
  readonly validFrom: number;
  /** Length of validity in seconds (> 0). */
  readonly validFor: number;
  /** 'ec' (ECDSA P-256) or 'rsa' (RSA-2048). */
  readonly key: 'ec' | 'rsa';
}

export interface PkiCaSpec {
  /** Its common name, which `web[].tls.issuer` refers to. */
  readonly name: string;
  /** Nodes whose trust store holds it (in node order). */
  readonly trustedBy: readonly string[];
}

/**
 * HTTPS on a web server (`web[].tls`): a certificate for `names` from the lab's PKI, TLS
 * 1.2 and 1.3 on the server's port (443 by default), HTTP/2 by ALPN h2 and HTTP/1.1
 * otherwise.
 */
export interface WebTlsSpec {
  /** DNS names and IPv4 addresses the certificate names (subjectAltName), at least one. */
  readonly names: readonly string[];
  /** The CA that signs it: absent for the lab's issuing CA, else a CA's common name. */
  readonly issuer?: string;
  /** Start of validity, seconds relative to the scenario's start (negative: before it). */
  readonly validFrom: number;
  /** Length of validity in seconds (> 0). */
  readonly validFor: number;
  /** 'ec' (ECDSA P-256) or 'rsa' (RSA-2048). */
  readonly key: 'ec' | 'rsa';
  /** TLS versions accepted, newest first; absent: both, 1.3 and 1.2. */
  readonly versions?: readonly ('1.2' | '1.3')[];
  /** IANA names of the suites accepted, in the server's preference; absent: every one netlab implements. */
  readonly suites?: readonly string[];
  /** Ask for a client certificate (CertificateRequest); `require` refuses clients without one. */
  readonly clientAuth?: 'request' | 'require';
  /**
   * With `clientAuth`: the CA whose client certificates the server accepts (its only trust
   * anchor for them, named in CertificateRequest's certificate_authorities).
   */
  readonly clientCa?: string;
}

/**
 * A web server on a node (`web:`): HTTP/1.0, 1.1 and HTTP/2 with prior knowledge on one
 * port (or HTTPS with `tls`), serving in-memory files. Started by the network with `installWebServer`
 * (src/application/browser/web-server.ts); generated content comes from
 * src/lab/web/site-files.ts.
 */
export interface WebServerSpec {
  readonly node: string;
  readonly port: number;
  /** `both` (default): HTTP/1.x and h2c on the same port; `http1` or `h2` only. */
  readonly protocols: 'both' | 'http1' | 'h2';
  readonly files: readonly WebFileSpec[];
  /** A generated page: /index.html referring to generated stylesheets, scripts and images. */
  readonly page?: WebPageSpec;
  /** HTTP/2 server push: resources sent with a page before they are asked for. */
  readonly push: readonly { readonly page: string; readonly resources: readonly string[] }[];
  /** HTTPS on `port`; absent for plain HTTP. */
  readonly tls?: WebTlsSpec;
  /** With `tls`: a plain-HTTP port that answers every request with 301 to https://. */
  readonly redirectHttp?: number;
}

/** A file: its text, or generated content of a size. */
export type WebFileSpec =
  | { readonly path: string; readonly text: string }
  | { readonly path: string; readonly size: number };

export interface WebPageSpec {
  readonly images: number;
  readonly scripts: number;
  readonly stylesheets: number;
  /** Bytes of each generated resource. */
  readonly size: number;
  /** Bytes the HTML is padded to (0: just the markup). */
  readonly htmlSize: number;
}

/**
 * The lab's DNS: zones and the nodes serving them, recursive resolvers, and the stub
 * resolver of every client, defaults applied (every host not listed under `clients`
 * uses the first resolver). The network builds it with `buildDnsHierarchy`
 * (src/application/dns/dns-hierarchy.ts).
 */
export interface DnsSpec {
  readonly zones: readonly DnsZoneSpec[];
  /** Nodes running a recursive resolver on port 53. */
  readonly resolvers: readonly string[];
  /** Nodes with a stub resolver, in node order. */
  readonly clients: readonly DnsClientSpec[];
}

export interface DnsZoneSpec {
  /** Absolute, with the final dot: `.`, `com.`, `example.com.`. */
  readonly origin: string;
  /** Nodes serving it; the first is the primary (the SOA's MNAME). */
  readonly servers: readonly string[];
  /** Master-file lines added to the generated SOA, NS and delegations (`records:`). */
  readonly records?: string;
  /** A complete master file instead (`zone_file:`): its SOA and apex NS are used. */
  readonly text?: string;
  /** Seconds: TTL of generated records and the default of `records`. */
  readonly ttl: number;
}

/** A host's resolv.conf and hosts file. */
export interface DnsClientSpec {
  readonly node: string;
  /** `nameserver` lines: IPv4 addresses, at most 3 (glibc's MAXNS). */
  readonly nameservers: readonly number[];
  /** `search` domains, absolute. */
  readonly search: readonly string[];
  /** /etc/hosts text ('' for none). */
  readonly hosts: string;
  /** `options timeout:N attempts:N ndots:N`. */
  readonly timeout: number;
  readonly attempts: number;
  readonly ndots: number;
}

export type RoutingMode = 'global' | 'static';

/** The node kinds this version builds. `NODE_KINDS` in node-kinds.ts lists planned ones. */
export type NodeKind = NodeSpec['kind'];

export type NodeSpec = HostSpec | RouterSpec | SwitchSpec | SharedMediumSpec;

/** An interface (a NIC, a router port, a switch port). Only hosts and routers have addresses. */
export interface InterfaceSpec {
  /** `eth0`, `eth1`... on hosts and routers; `p1`, `p2`... on switches, hubs and buses. */
  readonly name: string;
  /** Address and prefix length; absent when the interface is unnumbered. */
  readonly address?: Ipv4Prefix;
}

/** A static route. `to` is the network (host bits zero); default is `{address: 0, length: 0}`. */
export interface RouteSpec {
  readonly to: Ipv4Prefix;
  /** Next hop, inside one of the node's connected subnets. */
  readonly via: number;
}

/** An end system: does not forward. */
export interface HostSpec {
  readonly kind: 'host';
  readonly name: string;
  /** Declared order; every linked interface appears here. */
  readonly interfaces: readonly InterfaceSpec[];
  /** Default gateway, inside one of the host's subnets. */
  readonly gateway?: number;
  readonly routes: readonly RouteSpec[];
}

/** An IPv4 router: forwards between its interfaces. */
export interface RouterSpec {
  readonly kind: 'router';
  readonly name: string;
  readonly interfaces: readonly InterfaceSpec[];
  readonly routes: readonly RouteSpec[];
}

/**
 * A learning L2 switch (a bridge). Its ports are its interfaces, unnumbered. No spanning
 * tree: a loop of switches storms (the reader warns).
 */
export interface SwitchSpec {
  readonly kind: 'switch';
  readonly name: string;
  readonly interfaces: readonly InterfaceSpec[];
  /** How long a learned MAC address stays in the table, in ns (> 0). */
  readonly aging: Time;
  /** Most MAC table entries; when full, unknown addresses are flooded. */
  readonly macTableSize: number;
}

/**
 * A shared medium: a repeater hub or a bus cable. Every frame reaches every attached
 * device. Its ports (interfaces) are attachment points, not devices with queues; a link
 * to it attaches the other end's device to the medium.
 */
export interface SharedMediumSpec {
  readonly kind: 'hub' | 'bus';
  readonly name: string;
  readonly interfaces: readonly InterfaceSpec[];
  /** Bit/s shared by every station. */
  readonly rate: number;
  /** One-way propagation delay across the medium, ns. */
  readonly delay: Time;
  /** Probability a frame is lost on the medium. */
  readonly loss: number;
}

export interface EndpointSpec {
  readonly node: string;
  readonly interface: string;
}

/** The numbers of a link, without its endpoints. */
export interface LinkParams {
  /** Line rate, bit/s (finite, > 0). */
  readonly rate: number;
  /** One-way propagation delay, ns. */
  readonly delay: Time;
  /** Probability in [0, 1] a frame is lost. */
  readonly loss: number;
  /** Probability in [0, 1] a frame is delivered twice. */
  readonly duplicate: number;
  /** Extra delay per frame, uniform in [0, jitter] ns. */
  readonly jitter: Time;
  /** Output queue of each device on the link. */
  readonly queue: QueueLimit;
  /** MTU of each device on the link (largest IP packet), bytes. */
  readonly mtu: number;
}

/**
 * A cable between two interfaces. When one end is a hub or bus, the link is that
 * device's attachment to the medium: rate, delay and loss are copied from the medium,
 * duplicate and jitter are 0, and queue/mtu apply to the attached device.
 */
export interface LinkSpec extends LinkParams {
  readonly endpoints: readonly [EndpointSpec, EndpointSpec];
}

export interface ScriptStep {
  /** When to run, ns from the start. */
  readonly at: Time;
  /** The node whose shell runs the command; absent for lab commands (`link down A B`). */
  readonly node?: string;
  /** The command line, as typed in a shell. */
  readonly run: string;
  /** The step's line in the scenario file, for the runtime's messages; absent when built in code. */
  readonly line?: number;
}
