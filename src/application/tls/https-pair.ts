/**
 * The smallest HTTPS lab: a browser (10.0.0.1) and a web server (10.0.0.2) on one
 * point-to-point link, with simulated TCP, the simulated web PKI (web-pki.ts), an
 * HttpServer on port 443 behind TLS, and an HttpClient that speaks https:// to it. The
 * tests, the key-log/tshark interop test and the benchmark build on it; a tour builds the
 * same thing from a scenario file.
 *
 * Everything is seeded: the same seed gives the same certificates, randoms, keys, segments.
 */
import { parseIpv4Prefix } from '../../internet/ipv4-address.ts';
import { Ipv4Stack } from '../../internet/ipv4-stack.ts';
import { Node } from '../../link/node.ts';
import { type LinkOptions, PointToPointLink } from '../../link/point-to-point.ts';
import { simClock } from '../../sim/clock.ts';
import { Simulator } from '../../sim/simulator.ts';
import { MILLISECOND } from '../../sim/time.ts';
import { TcpLayer } from '../../transport/tcp/tcp-layer.ts';
import { UdpLayer } from '../../transport/udp/udp-layer.ts';
import { HttpClient } from '../http/http-client.ts';
import type { HttpHandler } from '../http/router.ts';
import { HttpServer } from '../http/http-server.ts';
import { DEFAULT_SIM_EPOCH, wallClockOf } from '../pki/der-time.ts';
import { seededRandomSource } from '../pki/random-source.ts';
import type { SiteCredentials } from '../pki/web-pki.ts';
import { WebPki } from '../pki/web-pki.ts';
import { HTTPS_PORT, httpsConnector, httpsHandler } from './https.ts';
import type { TlsAcceptOptions, TlsConnectOptions } from './tls-stream.ts';

export interface HttpsPairOptions {
  readonly seed?: number;
  readonly link?: LinkOptions;
  /** The site's host name (what the browser asks for). Default 'www.shop.test'. */
  readonly siteName?: string;
  /** Names on the certificate. Default [siteName]. */
  readonly certificateNames?: readonly string[];
  /** Certificate key: 'ec' (default) or 'rsa'. */
  readonly keyType?: 'ec' | 'rsa';
  readonly handler: HttpHandler;
  /** Extra TLS options of the server and of the browser. */
  readonly serverTls?: Partial<TlsAcceptOptions>;
  readonly browserTls?: Partial<TlsConnectOptions>;
  /** Credentials to serve instead of a fresh certificate from the web PKI. */
  readonly credentials?: SiteCredentials;
}

export interface HttpsPair {
  readonly sim: Simulator;
  readonly pki: WebPki;
  readonly browser: { readonly node: Node; readonly tcp: TcpLayer; readonly http: HttpClient };
  readonly server: {
    readonly node: Node;
    readonly tcp: TcpLayer;
    readonly http: HttpServer;
    readonly credentials: SiteCredentials;
  };
  readonly siteName: string;
  /** The URL of `path` on the site. */
  url(path?: string): string;
}

export const BROWSER_ADDRESS = '10.0.0.1';
export const SERVER_ADDRESS = '10.0.0.2';

function host(sim: Simulator, name: string) {
  const node = new Node(sim, name, 'host');
  const ip = new Ipv4Stack(node);
  new UdpLayer(ip);
  return { node, ip, tcp: new TcpLayer(ip) };
}

export function buildHttpsPair(options: HttpsPairOptions): HttpsPair {
  const sim = new Simulator({ seed: options.seed ?? 1 });
  const clock = simClock(sim);
  const wall = wallClockOf(clock, DEFAULT_SIM_EPOCH);
  const pki = new WebPki({ random: seededRandomSource(sim.random.fork('pki')), now: wall, trace: sim });
  const siteName = options.siteName ?? 'www.shop.test';
  const b = host(sim, 'browser');
  const s = host(sim, 'web');
  const db = b.node.addDevice('eth0', { queue: { packets: 1000 } });
  const ds = s.node.addDevice('eth0', { queue: { packets: 1000 } });
  b.ip.addInterface(db, [parseIpv4Prefix(`${BROWSER_ADDRESS}/24`)!]);
  s.ip.addInterface(ds, [parseIpv4Prefix(`${SERVER_ADDRESS}/24`)!]);
  new PointToPointLink(db, ds, { rate: 100e6, delay: 5 * MILLISECOND, ...options.link });

  const credentials =
    options.credentials ??
    pki.issueSite(options.certificateNames ?? [siteName], { key: options.keyType ?? 'ec' });
  const http = new HttpServer({
    handler: options.handler,
    clock,
    trace: sim.trace,
    node: 'web',
    wallClock: () => wall() * 1000,
  });
  const serve = httpsHandler(http, {
    random: seededRandomSource(sim.random.fork('web/tls')),
    now: wall,
    certificates: [credentials],
    trace: sim,
    node: 'web',
    deferred: () => sim.deferred(),
    ...options.serverTls,
  });
  const listener = s.tcp.listen(HTTPS_PORT);
  void (async () => {
    for (;;) {
      let conn: Awaited<ReturnType<typeof listener.accept>>;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      void serve(conn);
    }
  })();

  const names = new Map<string, string>([[siteName, SERVER_ADDRESS]]);
  const client = new HttpClient({
    clock,
    trace: sim.trace,
    node: 'browser',
    connect: httpsConnector((h, port) => b.tcp.connect(names.get(h) ?? h, port), {
      random: seededRandomSource(sim.random.fork('browser/tls')),
      now: wall,
      trustStore: pki.browserTrust,
      trace: sim,
      node: 'browser',
      deferred: () => sim.deferred(),
      ...options.browserTls,
    }),
  });
  return {
    sim,
    pki,
    browser: { node: b.node, tcp: b.tcp, http: client },
    server: { node: s.node, tcp: s.tcp, http, credentials },
    siteName,
    url: (path = '/') => `https://${siteName}${path}`,
  };
}
