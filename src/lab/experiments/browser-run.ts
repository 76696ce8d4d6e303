/**
 * One page load by netlab's simulated browser on the experiment network: a fresh network
 * (experiment-network.ts) and web server for every run, so no run inherits a warm TCP
 * window or an open connection from another. Shared by http-versions and hol-blocking.
 *
 * The server is netlab's web server (HTTP/1.x and h2c prior knowledge on port 80); the
 * browser's defaults are a browser's (6 connections per origin, TCP_NODELAY, initial
 * window 10 segments, NewReno). A run is simulated time only: identical on every machine.
 */
import { simBrowser } from '../../application/browser/browser-sim.ts';
import type { BrowserLimits, PageLoad } from '../../application/browser/browser.ts';
import type { BrowserProtocol } from '../../application/browser/resource-timing.ts';
import { installWebServer, type WebServerOptions } from '../../application/browser/web-server.ts';
import type { FileSource } from '../../application/http/file-source.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { SECOND } from '../../sim/time.ts';
import type { Network } from '../network.ts';
import { experimentNetwork, type ExperimentNetworkOptions } from './experiment-network.ts';

export interface BrowserRunOptions extends ExperimentNetworkOptions {
  readonly protocol: BrowserProtocol;
  /** The site: files, or a source with its own routes in `server`. */
  readonly site: Readonly<Record<string, Uint8Array | string>> | FileSource;
  /** Web server options (routes, an HTTP/2 handler, push). */
  readonly server?: (network: Network) => WebServerOptions;
  readonly limits?: Partial<BrowserLimits>;
  /** Called once the network is built, before the load starts (fault injection). */
  readonly prepare?: (network: Network) => void;
}

/** Time a load may take before the experiment calls it stuck. */
const RUN_LIMIT = 3600 * SECOND;

/** Loads `http://server/` once and returns the page load (its waterfall) and the network. */
export async function loadPageOnce(o: BrowserRunOptions): Promise<{ page: PageLoad; network: Network }> {
  const { network, serverAddress } = experimentNetwork(o);
  const sim = network.sim;
  installWebServer(network.requireNode('server'), o.site, o.server?.(network) ?? {});
  o.prepare?.(network);
  const browser = simBrowser(network.requireNode('client'), { protocol: o.protocol, limits: o.limits });
  let page: PageLoad | undefined;
  void browser.navigate(`http://${serverAddress}/`).then((p) => {
    page = p;
    sim.stop();
  });
  await sim.run(sim.now + RUN_LIMIT);
  if (!page) throw new NetlabError('experiment-stuck', `the ${o.protocol} page load did not finish`);
  browser.close();
  return { page, network };
}
