/**
 * Builds a running network from a `ScenarioSpec`: nodes with their devices and stacks,
 * cables and shared media, addresses, routes, (optionally) global routing, the DNS of the
 * `dns:` section (name servers, resolvers, every client's resolv.conf) and the web servers
 * of the `web:` section, HTTPS ones with certificates from the lab's PKI (`pki:`,
 * src/lab/web/lab-pki.ts). Every host and router gets a TLS service (`installTls`) with
 * the simulated browser trust store, plus the scenario's CAs it is listed under, and the
 * client certificates `pki.clients` gives it. This is
 * the "helper" layer of ns-3's vocabulary, driven by data instead of code.
 */
import { installWebServer, type WebServer, type WebServerTls } from '../application/browser/web-server.ts';
import { buildDnsHierarchy, type DnsHierarchy } from '../application/dns/dns-hierarchy.ts';
import { Router } from '../application/http/router.ts';
import type { CipherSuiteName } from '../application/tls/cipher-suites.ts';
import type { Credential } from '../application/tls/config.ts';
import { installTls, NODE_TLS, type NodeTls } from '../application/tls/node-tls.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { GlobalRouting } from '../internet/global-routing.ts';
import { formatIpv4Address, prefixMask } from '../internet/ipv4-address.ts';
import { IPV4, Ipv4Stack } from '../internet/ipv4-stack.ts';
import type { Channel } from '../link/channel.ts';
import { LearningSwitch } from '../link/learning-switch.ts';
import type { NetDevice } from '../link/net-device.ts';
import { Node } from '../link/node.ts';
import { PointToPointLink } from '../link/point-to-point.ts';
import { SharedMedium } from '../link/shared-medium.ts';
import { Simulator } from '../sim/simulator.ts';
import type { NetworkView } from '../tools/shell/command.ts';
import { TcpLayer } from '../transport/tcp/tcp-layer.ts';
import { UdpLayer } from '../transport/udp/udp-layer.ts';
import type {
  DnsSpec,
  LinkSpec,
  NodeSpec,
  ScenarioSpec,
  WebServerSpec,
  WebTlsSpec,
} from './scenario/spec.ts';
import { LabPki } from './web/lab-pki.ts';
import { siteFiles } from './web/site-files.ts';

export interface BuiltLink {
  readonly spec: LinkSpec;
  readonly channel: Channel;
}

export class Network implements NetworkView {
  readonly sim: Simulator;
  readonly links: BuiltLink[] = [];
  readonly routing: GlobalRouting | undefined;
  /** The DNS servers, resolvers and stub resolvers of the `dns:` section. */
  readonly dns: DnsHierarchy | undefined;
  /** The web servers of the `web:` section (an HTTPS one's redirect server follows it). */
  readonly web: readonly WebServer[];
  /** The lab's PKI: the simulated Internet's CAs, the scenario's own, site certificates. */
  readonly pki: LabPki;
  /** Client certificates of `pki.clients`, by node and name (issued after the sites'). */
  private readonly clientCertificates = new Map<string, Map<string, Credential>>();
  private readonly byName = new Map<string, Node>();
  private readonly media = new Map<string, SharedMedium>();
  private readonly addressToName = new Map<number, string>();

  constructor(
    readonly spec: ScenarioSpec,
    sim?: Simulator,
  ) {
    this.sim = sim ?? new Simulator({ seed: spec.seed });
    const linkOf = new Map<string, LinkSpec>();
    for (const l of spec.links) for (const e of l.endpoints) linkOf.set(`${e.node}:${e.interface}`, l);
    for (const n of spec.nodes) this.buildNode(n, linkOf);
    for (const l of spec.links) this.buildLink(l);
    if (spec.routing === 'global') {
      const stacks = this.nodes()
        .map((n) => n.service(IPV4))
        .filter((s): s is Ipv4Stack => s !== undefined);
      this.routing = new GlobalRouting(this.sim, stacks, spec.convergence);
      this.routing.compute();
      this.routing.watch();
    }
    this.dns = spec.dns ? this.buildDns(spec.dns) : undefined;
    this.pki = new LabPki(this.sim, spec.pki);
    for (const n of spec.nodes) if (n.kind === 'host' || n.kind === 'router') this.installNodeTls(n.name);
    this.web = (spec.web ?? []).flatMap((w) => this.buildWebServer(w));
    for (const c of spec.pki?.clients ?? []) {
      let mine = this.clientCertificates.get(c.node);
      if (!mine) this.clientCertificates.set(c.node, (mine = new Map()));
      mine.set(c.name, this.pki.client(c));
    }
  }

  /**
   * The node's TLS service, made on first use: the PKI costs key generation, which
   * scenarios without HTTPS should not pay.
   */
  private installNodeTls(name: string): void {
    const node = this.requireNode(name);
    let real: NodeTls | undefined;
    const get = () => {
      real ??= installTls(node, {
        trustStore: this.pki.trustFor(name),
        clientCertificates: this.clientCertificates.get(name) ?? new Map(),
      });
      return real;
    };
    node.setService(NODE_TLS, {
      get trustStore() {
        return get().trustStore;
      },
      get random() {
        return get().random;
      },
      get now() {
        return get().now;
      },
      get clientCertificates() {
        return get().clientCertificates;
      },
      connect: (transport, o) => get().connect(transport, o),
      accept: (transport, o) => get().accept(transport, o),
    });
  }

  private buildWebServer(w: WebServerSpec): WebServer[] {
    const node = this.requireNode(w.node);
    const server = installWebServer(node, siteFiles(w), {
      port: w.port,
      protocols: w.protocols,
      push: Object.fromEntries(w.push.map((p) => [p.page, p.resources])),
      ...(w.tls ? { tls: this.webTls(w.tls) } : {}),
    });
    if (w.redirectHttp === undefined) return [server];
    // Plain HTTP answers every request with a permanent redirect to the same URL over https.
    const redirect = new Router().route('*', '/*', (req) => {
      const host = req.headers.get('host')?.replace(/:\d+$/, '') ?? w.tls?.names[0] ?? w.node;
      const location = `https://${host}${w.port === 443 ? '' : `:${w.port}`}${req.target}`;
      return {
        status: 301,
        headers: { Location: location, 'Content-Type': 'text/html; charset=utf-8' },
        body: `<html><body>Moved to <a href="${location}">${location}</a></body></html>\n`,
      };
    });
    return [
      server,
      installWebServer(node, {}, { port: w.redirectHttp, protocols: 'http1', routes: redirect }),
    ];
  }

  /** The certificate `web[].tls` describes, and what the server accepts. */
  private webTls(t: WebTlsSpec): WebServerTls {
    return {
      certificates: [this.pki.site(t)],
      ...(t.versions ? { versions: t.versions } : {}),
      ...(t.suites ? { suites: t.suites as readonly CipherSuiteName[] } : {}),
      ...(t.clientAuth
        ? {
            clientAuth: t.clientAuth,
            clientTrust: this.pki.clientTrust(t.clientCa ?? this.pki.web.issuingCa.label),
          }
        : {}),
    };
  }

  private buildDns(dns: DnsSpec): DnsHierarchy {
    return buildDnsHierarchy(this, {
      zones: dns.zones,
      resolvers: dns.resolvers,
      clients: dns.clients.map((c) => ({
        node: c.node,
        nameservers: c.nameservers.map(formatIpv4Address),
        search: c.search,
        ...(c.hosts === '' ? {} : { hosts: c.hosts }),
        timeout: c.timeout,
        attempts: c.attempts,
        ndots: c.ndots,
      })),
    });
  }

  node(name: string): Node | undefined {
    return this.byName.get(name);
  }

  nodes(): readonly Node[] {
    return [...this.byName.values()];
  }

  /** The node, or a typed error naming what exists. */
  requireNode(name: string): Node {
    const n = this.byName.get(name);
    if (!n)
      throw new NetlabError(
        'no-such-node',
        `no node named '${name}' (nodes: ${[...this.byName.keys()].join(', ')})`,
      );
    return n;
  }

  linkBetween(a: string, b: string, aInterface?: string, bInterface?: string): Channel | undefined {
    const fits = (e: { node: string; interface: string }, node: string, iface: string | undefined) =>
      e.node === node && (iface === undefined || e.interface === iface);
    const found = this.links.filter((l) => {
      const [x, y] = l.spec.endpoints;
      return (
        (fits(x, a, aInterface) && fits(y, b, bInterface)) ||
        (fits(x, b, bInterface) && fits(y, a, aInterface))
      );
    });
    // A station's attachment to a bus or hub is not a cable of its own.
    if (found.length !== 1 || found[0]!.channel instanceof SharedMedium) return undefined;
    return found[0]!.channel;
  }

  /** The shared medium a bus or hub node stands for. */
  medium(name: string): SharedMedium | undefined {
    return this.media.get(name);
  }

  hostAddress(name: string): number | undefined {
    const stack = this.byName.get(name)?.service(IPV4);
    return stack?.interfaces.find((i) => i.address !== 0)?.address;
  }

  hostName(address: number): string | undefined {
    return this.addressToName.get(address);
  }

  private buildNode(n: NodeSpec, linkOf: Map<string, LinkSpec>): void {
    const sim = this.sim;
    switch (n.kind) {
      case 'host':
      case 'router': {
        const node = new Node(sim, n.name, n.kind);
        const ip = new Ipv4Stack(node, { forwarding: n.kind === 'router' });
        new UdpLayer(ip);
        new TcpLayer(ip);
        for (const i of n.interfaces) {
          const l = linkOf.get(`${n.name}:${i.name}`);
          const dev = node.addDevice(i.name, l ? { queue: l.queue, mtu: l.mtu } : {});
          ip.addInterface(dev, i.address ? [i.address] : []);
          if (i.address) this.addressToName.set(i.address.address, n.name);
        }
        if (n.kind === 'host' && n.gateway !== undefined) {
          ip.addRoute(0, 0, n.gateway, 'static');
          ip.globalRouting = false;
        }
        for (const r of n.routes)
          ip.addRoute(r.to.address & prefixMask(r.to.length), r.to.length, r.via, 'static');
        this.byName.set(n.name, node);
        return;
      }
      case 'switch': {
        const sw = new LearningSwitch(sim, n.name, { aging: n.aging, tableSize: n.macTableSize });
        for (const i of n.interfaces) {
          const l = linkOf.get(`${n.name}:${i.name}`);
          sw.addPort(i.name, l ? { queue: l.queue, mtu: l.mtu } : {});
        }
        this.byName.set(n.name, sw);
        return;
      }
      case 'hub':
      case 'bus': {
        const node = new Node(sim, n.name, n.kind);
        const medium = new SharedMedium(sim, n.name, { rate: n.rate, delay: n.delay, loss: n.loss });
        node.onStateChange((up) => medium.setUp(up)); // a hub that loses power takes the LAN down
        this.media.set(n.name, medium);
        this.byName.set(n.name, node);
        return;
      }
    }
  }

  private buildLink(l: LinkSpec): void {
    const [a, b] = l.endpoints;
    const mediumA = this.media.get(a.node);
    const mediumB = this.media.get(b.node);
    if (mediumA && mediumB)
      throw new NetlabError('bad-link', `cannot cable two shared media (${a.node}, ${b.node}) together`);
    if (mediumA || mediumB) {
      const medium = (mediumA ?? mediumB)!;
      const end = mediumA ? b : a;
      medium.attach(this.device(end.node, end.interface));
      this.links.push({ spec: l, channel: medium });
      return;
    }
    const link = new PointToPointLink(this.device(a.node, a.interface), this.device(b.node, b.interface), {
      rate: l.rate,
      delay: l.delay,
      loss: l.loss,
      duplicate: l.duplicate,
      jitter: l.jitter,
    });
    this.links.push({ spec: l, channel: link });
  }

  private device(node: string, iface: string): NetDevice {
    return this.requireNode(node).device(iface);
  }
}
