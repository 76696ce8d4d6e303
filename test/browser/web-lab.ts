/**
 * A small web for browser tests: a client and a web server joined by a router, links with
 * a given one-way delay (so RTT = 4 × delay), the server's site built from files.
 */
import {
  installWebServer,
  type WebServer,
  type WebServerOptions,
} from '../../src/application/browser/index.ts';
import { Network } from '../../src/lab/network.ts';
import { parseScenario } from '../../src/lab/scenario/index.ts';

export interface WebLab {
  readonly network: Network;
  readonly server: WebServer;
  readonly sim: Network['sim'];
}

export function webLab(
  files: Readonly<Record<string, Uint8Array | string>>,
  options: { delay?: string; rate?: string; server?: WebServerOptions; seed?: number } = {},
): WebLab {
  const delay = options.delay ?? '5ms';
  const rate = options.rate ?? '100Mbps';
  const yaml = `
seed: ${options.seed ?? 1}
topology:
  nodes:
    client: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
    web: { kind: host, ip: 10.0.2.80/24, gateway: 10.0.2.1 }
    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
  links:
    - { endpoints: [client, r1:eth0], rate: ${rate}, delay: ${delay} }
    - { endpoints: [r1:eth1, web], rate: ${rate}, delay: ${delay} }
`;
  const { spec } = parseScenario(yaml, 'web-lab.yaml');
  const network = new Network(spec);
  const server = installWebServer(network.requireNode('web'), files, options.server);
  return { network, server, sim: network.sim };
}

/** Navigates on the lab's client and runs the simulation until the page has loaded. */
export async function load(
  lab: WebLab,
  browser: import('../../src/application/browser/index.ts').Browser,
  url: string,
  limit = 600e9,
): Promise<import('../../src/application/browser/index.ts').PageLoad> {
  let page: import('../../src/application/browser/index.ts').PageLoad | undefined;
  void browser.navigate(url).then((p) => {
    page = p;
    lab.sim.stop();
  });
  await lab.sim.run(lab.sim.now + limit);
  if (!page) throw new Error(`the load of ${url} did not finish within ${limit / 1e9} s`);
  return page;
}

/** A page referencing `n` images of `size` bytes. */
export function imagePage(n: number, size = 2000): Record<string, string> {
  const files: Record<string, string> = {};
  const imgs: string[] = [];
  for (let i = 1; i <= n; i++) {
    files[`/img/${i}.png`] = String.fromCharCode(65 + (i % 26)).repeat(size);
    imgs.push(`<img src="/img/${i}.png">`);
  }
  files['/index.html'] = `<html><body>${imgs.join('')}</body></html>`;
  return files;
}
