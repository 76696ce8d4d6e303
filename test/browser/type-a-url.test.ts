/**
 * "What happens when you type a URL", end to end on the simulated wire: the browser on h5
 * resolves www.example.com through a resolver (h4) that walks root (h1), com (h2) and
 * example.com (h3), connects to the web server (h6), fetches the page and its images, and
 * finally closes its connections (the 4-way close, TIME-WAIT on the side that closed first).
 */
import { describe, expect, it } from 'vitest';
import { installWebServer, simBrowser } from '../../src/application/browser/index.ts';
import { buildDnsHierarchy } from '../../src/application/dns/dns-hierarchy.ts';
import { formatIpv4Address } from '../../src/internet/ipv4-address.ts';
import { star } from '../../src/lab/topology/star.ts';
import { topologyNetwork } from '../../src/lab/topology/test-network.ts';
import { MILLISECOND, SECOND } from '../../src/sim/time.ts';
import { TCP } from '../../src/transport/tcp/tcp-layer.ts';

function lab() {
  const topo = star({ hosts: 6, centre: 'router', link: { delay: 5 * MILLISECOND } });
  const net = topologyNetwork(topo, { seed: 3 });
  const web = formatIpv4Address(net.hostAddress('h6')!);
  buildDnsHierarchy(net, {
    zones: [
      { origin: '.', servers: ['h1'] },
      { origin: 'com.', servers: ['h2'] },
      { origin: 'example.com.', servers: ['h3'], records: `www 300 A ${web}\nimg CNAME www` },
    ],
    resolvers: ['h4'],
    clients: [{ node: 'h5', nameservers: ['h4'] }],
  });
  installWebServer(net.requireNode('h6'), {
    '/index.html': '<img src="/a.png"><img src="http://img.example.com/b.png"><img src="/c.png">',
    '/a.png': 'a'.repeat(1000),
    '/b.png': 'b'.repeat(1000),
    '/c.png': 'c'.repeat(1000),
  });
  return { net, web };
}

describe('typing http://www.example.com/ into the browser', () => {
  it('resolves through the DNS hierarchy, connects, fetches, and shows it all in the waterfall', async () => {
    const { net, web } = lab();
    const sim = net.sim;
    const steps: string[] = [];
    sim.trace.on('browser.navigate', (e) =>
      steps.push(`navigate ${e.url!.scheme} ${e.url!.subdomain} ${e.url!.registrableDomain} ${e.url!.path}`),
    );
    sim.trace.on('browser.dns', (e) => steps.push(`browser dns ${e.phase} ${e.host} ${e.addresses ?? ''}`));
    sim.trace.on('dns.query', (e) => steps.push(`${e.node} asks ${e.server} ${e.qname}`));
    sim.trace.on('browser.connection', (e) => steps.push(`connection ${e.connection} ${e.phase}`));
    sim.trace.on('browser.done', (e) => steps.push(`done ${e.resources}`));
    const browser = simBrowser(net.requireNode('h5'));
    let page: Awaited<ReturnType<typeof browser.navigate>> | undefined;
    void browser.navigate('www.example.com').then((p) => {
      page = p;
      sim.stop();
    });
    await sim.run(60 * SECOND);
    expect(page?.error).toBeUndefined();
    expect(steps.slice(0, 10)).toEqual([
      'navigate http www example.com /',
      'browser dns start www.example.com ',
      'h5 asks 10.1.4.2 www.example.com.',
      'h4 asks 10.1.1.2 www.example.com.',
      'h4 asks 10.1.2.2 www.example.com.',
      'h4 asks 10.1.3.2 www.example.com.',
      `browser dns done www.example.com ${web}`,
      'connection 1 connecting',
      'connection 1 connected',
      // a.png: same host, from the browser's host cache.
      `browser dns cached www.example.com ${web}`,
    ]);
    const img = steps.indexOf('browser dns start img.example.com ');
    expect(img).toBeGreaterThan(0);
    expect(steps[img + 1]).toBe('h5 asks 10.1.4.2 img.example.com.');
    const [doc, a, b, c] = page!.resources;
    // The first request paid for the lookup: four exchanges over 10 ms RTT links and more.
    expect(doc!.dnsEnd! - doc!.dnsStart!).toBeGreaterThanOrEqual(4 * 20 * MILLISECOND);
    expect(doc!.connectStart).toBeGreaterThanOrEqual(doc!.dnsEnd!);
    expect(a!.dnsStart).toBeUndefined();
    // img.example.com is another origin: its own lookup (a CNAME to www, answered from the
    // resolver's cache of example.com's servers) and its own connection.
    expect(b!.url).toBe('http://img.example.com/b.png');
    expect(b!.dnsStart).toBeDefined();
    expect(b!.connection).not.toBe(a!.connection);
    expect(c!.status).toBe(200);
    expect(steps.at(-1)).toBe('done 4');
  });

  it('closes its connections with FINs; the browser, closing first, holds TIME-WAIT', async () => {
    const { net } = lab();
    const sim = net.sim;
    const browser = simBrowser(net.requireNode('h5'));
    let done = false;
    void browser.navigate('http://www.example.com/').then(() => {
      done = true;
      sim.stop();
    });
    await sim.run(60 * SECOND);
    expect(done).toBe(true);
    const states: string[] = [];
    sim.trace.on('tcp.state', (e) => {
      if (e.node === 'h5' || e.node === 'h6') states.push(`${e.node} ${e.from}->${e.to}`);
    });
    browser.close();
    await sim.run(sim.now + 5 * SECOND);
    expect(states).toContain('h5 ESTABLISHED->FIN-WAIT-1');
    expect(states).toContain('h6 ESTABLISHED->CLOSE-WAIT');
    expect(states).toContain('h5 FIN-WAIT-2->TIME-WAIT');
    const h5 = net.requireNode('h5').requireService(TCP).connections();
    expect(h5.length).toBeGreaterThan(0);
    expect(h5.every((s) => s.state === 'TIME-WAIT')).toBe(true);
  });
});
