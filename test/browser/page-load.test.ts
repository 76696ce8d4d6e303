/**
 * The browser loading pages over the simulated network: what it fetches, over how many
 * connections of which protocol, with which timings, and what it does with cookies,
 * redirects, failures and hostile pages.
 */
import { describe, expect, it } from 'vitest';
import { type ResourceTiming, simBrowser } from '../../src/application/browser/index.ts';
import { Router } from '../../src/application/http/router.ts';
import { MILLISECOND, SECOND } from '../../src/sim/time.ts';
import { imagePage, load, webLab } from './web-lab.ts';

const URL0 = 'http://10.0.2.80/';
const RTT = 20 * MILLISECOND; // webLab: 5 ms each way on two links

/** For each connection, its resources in the order their requests went out. */
function byConnection(resources: readonly ResourceTiming[]): Map<number, ResourceTiming[]> {
  const m = new Map<number, ResourceTiming[]>();
  for (const r of resources) {
    if (r.connection === undefined) continue;
    m.set(r.connection, [...(m.get(r.connection) ?? []), r]);
  }
  for (const list of m.values()) list.sort((a, b) => a.requestStart! - b.requestStart! || a.id - b.id);
  return m;
}

/** The largest number of connections carrying a request at the same instant. */
function peakConnections(resources: readonly ResourceTiming[]): number {
  const edges: [number, number][] = [];
  for (const list of byConnection(resources).values()) {
    edges.push([list[0]!.connectStart ?? list[0]!.requestStart!, 1], [list.at(-1)!.end, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d));
  return peak;
}

describe('a page and its subresources', () => {
  const site = {
    '/index.html':
      '<html><head><link rel="stylesheet" href="/css/site.css"><script src="app.js"></script></head>' +
      '<body><img src="img/logo.png"><img src="/img/logo.png"></body></html>',
    '/css/site.css': '@import "theme.css"; body { background: url(../img/bg.png) }',
    '/css/theme.css': 'h1 { background: url("/img/h1.png") }',
    '/app.js': 'console.log(1)',
    '/img/logo.png': 'L'.repeat(5000),
    '/img/bg.png': 'B'.repeat(100),
    '/img/h1.png': 'H'.repeat(100),
  };

  it('fetches the page, then what it references, then what the stylesheets reference', async () => {
    const lab = webLab(site);
    const page = await load(lab, simBrowser(lab.network.requireNode('client')), URL0);
    expect(page.error).toBeUndefined();
    expect(page.status).toBe(200);
    expect(page.resources.map((r) => `${r.kind} ${r.url} ${r.status} ${r.size}`)).toEqual([
      'document http://10.0.2.80/ 200 162',
      'stylesheet http://10.0.2.80/css/site.css 200 60',
      'script http://10.0.2.80/app.js 200 14',
      'image http://10.0.2.80/img/logo.png 200 5000',
      'stylesheet http://10.0.2.80/css/theme.css 200 37',
      'image http://10.0.2.80/img/bg.png 200 100',
      'image http://10.0.2.80/img/h1.png 200 100',
    ]);
    const css = page.resources.find((r) => r.url.endsWith('site.css'))!;
    const bg = page.resources.find((r) => r.url.endsWith('bg.png'))!;
    expect(bg.initiator).toBe(css.url);
    expect(bg.start).toBeGreaterThanOrEqual(css.end);
    expect(page.bytes).toBe(162 + 60 + 14 + 5000 + 37 + 100 + 100);
    expect(page.resources.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(page.loadTime).toBe(Math.max(...page.resources.map((r) => r.end)) - page.start);
  });

  it('orders every resource’s phases, and only a new connection has connect times', async () => {
    const lab = webLab(site);
    const page = await load(lab, simBrowser(lab.network.requireNode('client')), URL0);
    for (const r of page.resources) {
      expect(r.requestStart!).toBeGreaterThanOrEqual(r.start);
      expect(r.responseStart!).toBeGreaterThan(r.requestStart!);
      expect(r.end).toBeGreaterThanOrEqual(r.responseStart!);
      if (r.reused) expect(r.connectStart).toBeUndefined();
      else expect(r.connectEnd! - r.connectStart!).toBeGreaterThanOrEqual(RTT);
    }
    const doc = page.resources[0]!;
    // A literal address needs no DNS; the handshake is one RTT, the request another.
    expect(doc.dnsStart).toBeUndefined();
    expect(doc.reused).toBe(false);
    expect(doc.responseStart! - doc.requestStart!).toBeGreaterThanOrEqual(RTT);
    expect(doc.responseStart! - doc.requestStart!).toBeLessThan(RTT + 2 * MILLISECOND);
  });

  it('sends what a browser sends: keep-alive, User-Agent, Accept by kind, Referer', async () => {
    const seen: string[] = [];
    const routes = new Router().get('/img/logo.png', (req) => {
      seen.push(
        req.headers
          .entries()
          .map(([n, v]) => `${n}: ${v}`)
          .join(' | '),
      );
      return { status: 200, body: 'x' };
    });
    const lab = webLab(site, { server: { routes } });
    await load(lab, simBrowser(lab.network.requireNode('client')), URL0);
    expect(seen).toEqual([
      'Host: 10.0.2.80 | Connection: keep-alive | User-Agent: Mozilla/5.0 (X11; Linux x86_64) netlab-browser/0.1 | ' +
        'Accept: image/avif,image/webp,image/apng,*/*;q=0.8 | Referer: http://10.0.2.80/',
    ]);
  });

  it('reports navigate, resources and done on the trace bus', async () => {
    const lab = webLab(site);
    const events: string[] = [];
    lab.sim.trace.on('browser.navigate', (e) => events.push(`navigate ${e.url?.host} ${e.protocol}`));
    lab.sim.trace.on('browser.resource', (e) => events.push(`resource ${e.resource.id}`));
    lab.sim.trace.on('browser.done', (e) => events.push(`done ${e.resources} ${e.failed} ${e.loadTime > 0}`));
    await load(lab, simBrowser(lab.network.requireNode('client')), URL0);
    expect(events[0]).toBe('navigate 10.0.2.80 http1.1');
    expect(events.filter((e) => e.startsWith('resource'))).toHaveLength(7);
    expect(events.at(-1)).toBe('done 7 0 true');
  });
});

describe('the HTTPS seam', () => {
  it('https goes through the secure connector, which offers ALPN and may choose h2', async () => {
    const lab = webLab(imagePage(3), { server: { port: 443 } });
    const offered: string[][] = [];
    const browser = simBrowser(lab.network.requireNode('client'), {
      protocol: 'h2',
      // A stand-in for TLS: the stream as it is, with the server "choosing" h2.
      secure: async (stream, serverName, alpn) => {
        offered.push([serverName, ...alpn]);
        await lab.sim.sleep(20 * MILLISECOND);
        return { stream, alpn: 'h2' };
      },
    });
    const page = await load(lab, browser, 'https://10.0.2.80/');
    expect(offered).toEqual([['10.0.2.80', 'h2', 'http/1.1']]);
    expect(page.resources.every((r) => r.status === 200 && r.protocol === 'h2')).toBe(true);
    const doc = page.resources[0]!;
    expect(doc.tlsStart).toBe(doc.connectEnd);
    expect(doc.tlsEnd! - doc.tlsStart!).toBe(20 * MILLISECOND);
    expect(doc.requestStart).toBeGreaterThanOrEqual(doc.tlsEnd!);
  });

  it('without a TLS connector https fails with ERR_SSL_PROTOCOL_ERROR', async () => {
    const lab = webLab({}, { server: { port: 443 } });
    const page = await load(lab, simBrowser(lab.network.requireNode('client')), 'https://10.0.2.80/');
    expect(page.error?.netError).toBe('net::ERR_SSL_PROTOCOL_ERROR');
  });
});

describe('name resolution', () => {
  it('looks a host up once: the first request shows the DNS time, the others wait for it or hit the cache', async () => {
    const lab = webLab({
      '/index.html': '<img src="http://img.test/a.png"><img src="http://img.test/b.png">',
      '/a.png': 'a',
      '/b.png': 'b',
    });
    const asked: string[] = [];
    const browser = simBrowser(lab.network.requireNode('client'), {
      lookup: async (host) => {
        asked.push(host);
        await lab.sim.sleep(30 * MILLISECOND);
        return host === 'img.test' ? ['10.0.2.80'] : { error: 'Name or service not known' };
      },
    });
    const page = await load(lab, browser, 'http://img.test/');
    expect(asked).toEqual(['img.test']);
    const [doc, a, b] = page.resources;
    expect(doc!.dnsEnd! - doc!.dnsStart!).toBe(30 * MILLISECOND);
    expect(a!.dnsStart).toBeUndefined();
    expect(b!.dnsStart).toBeUndefined();
    // A second navigation within the cache's minute asks nobody.
    await load(lab, browser, 'http://img.test/');
    expect(asked).toEqual(['img.test']);
    // After it, the name is looked up again.
    await lab.sim.run(lab.sim.now + 61 * SECOND);
    await load(lab, browser, 'http://img.test/a.png');
    expect(asked).toEqual(['img.test', 'img.test']);
  });
});

describe('connections per protocol', () => {
  const twenty = imagePage(20);

  it('HTTP/1.1 keep-alive: at most 6 connections, each carrying one request at a time', async () => {
    const lab = webLab(twenty);
    const page = await load(
      lab,
      simBrowser(lab.network.requireNode('client'), { protocol: 'http1.1' }),
      URL0,
    );
    expect(page.resources).toHaveLength(21);
    expect(page.connections).toHaveLength(6);
    expect(peakConnections(page.resources)).toBe(6);
    for (const list of byConnection(page.resources).values()) {
      for (let i = 1; i < list.length; i++)
        expect(list[i]!.requestStart!).toBeGreaterThanOrEqual(list[i - 1]!.end);
      expect(list.slice(1).every((r) => r.reused)).toBe(true);
    }
    expect(page.resources.every((r) => r.protocol === 'http/1.1')).toBe(true);
  });

  it('HTTP/1.0: a new connection, with its handshake, for every resource', async () => {
    const lab = webLab(twenty);
    const page = await load(
      lab,
      simBrowser(lab.network.requireNode('client'), { protocol: 'http1.0' }),
      URL0,
    );
    expect(page.connections).toHaveLength(21);
    expect(page.resources.every((r) => !r.reused && r.connectStart !== undefined)).toBe(true);
    expect(peakConnections(page.resources)).toBeLessThanOrEqual(6);
    expect(page.resources.every((r) => r.protocol === 'http/1.0')).toBe(true);
  });

  it('HTTP/1.1 pipelining: requests overlap on a connection, responses come back in order', async () => {
    const lab = webLab(twenty);
    const page = await load(
      lab,
      simBrowser(lab.network.requireNode('client'), { protocol: 'http1.1-pipelining' }),
      URL0,
    );
    expect(page.connections.length).toBeLessThanOrEqual(6);
    let overlapped = 0;
    for (const list of byConnection(page.resources).values()) {
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.requestStart! < list[i - 1]!.end) overlapped++;
        // Head-of-line: a response never completes before the one requested before it.
        expect(list[i]!.end).toBeGreaterThanOrEqual(list[i - 1]!.end);
      }
    }
    expect(overlapped).toBeGreaterThan(0);
  });

  it('HTTP/2: every resource multiplexed on one connection', async () => {
    const lab = webLab(twenty);
    const page = await load(lab, simBrowser(lab.network.requireNode('client'), { protocol: 'h2' }), URL0);
    expect(page.connections).toHaveLength(1);
    expect(page.resources.every((r) => r.connection === 1 && r.protocol === 'h2' && r.status === 200)).toBe(
      true,
    );
    const images = page.resources.slice(1);
    // All twenty requests are out before the first image response arrives.
    const lastSent = Math.max(...images.map((r) => r.requestStart!));
    const firstBack = Math.min(...images.map((r) => r.responseStart!));
    expect(lastSent).toBeLessThan(firstBack);
    expect(lab.server.accepted).toEqual({ http1: 0, h2: 1 });
  });

  it('HTTP/2 server push: pushed resources come from the push cache, a round trip sooner; --no-push refuses them', async () => {
    const files = {
      '/index.html':
        '<html><head><link rel="stylesheet" href="/site.css"><script src="/app.js"></script></head><body></body></html>',
      '/site.css': 'body { color: red }',
      '/app.js': 'console.log(1)',
    };
    const run = async (push: boolean) => {
      const lab = webLab(files, { server: { push: { '/': ['/site.css', '/app.js'] } } });
      const requests: string[] = [];
      lab.sim.trace.on('h2.frame', (e) => {
        if (
          e.node === 'client' &&
          e.side === 'client' &&
          e.direction === 'sent' &&
          e.frameType === 'HEADERS'
        ) {
          requests.push(String(e.streamId));
        }
      });
      const page = await load(
        lab,
        simBrowser(lab.network.requireNode('client'), { protocol: 'h2', push }),
        URL0,
      );
      return { page, requests };
    };
    const on = await run(true);
    const off = await run(false);
    const [doc, css, js] = on.page.resources;
    expect(on.page.resources.map((r) => r.status)).toEqual([200, 200, 200]);
    expect([doc!.pushed, css!.pushed, js!.pushed]).toEqual([undefined, true, true]);
    // The browser sent no request for them: only the page's HEADERS went out.
    expect(css!.requestStart).toBeUndefined();
    expect(on.requests).toEqual(['1']);
    expect(off.page.resources.every((r) => r.pushed === undefined && r.status === 200)).toBe(true);
    expect(off.requests).toHaveLength(3);
    // Pushed: the page is complete about one RTT sooner.
    expect(off.page.loadTime - on.page.loadTime).toBeGreaterThan(0.8 * RTT);
    expect(off.page.loadTime - on.page.loadTime).toBeLessThan(1.5 * RTT);
    // The waterfall says so.
    const { waterfallLines } = await import('../../src/tools/format/waterfall.ts');
    expect(waterfallLines(on.page, { barWidth: 0 }).filter((l) => / #1 push$/.test(l))).toHaveLength(2);
  });

  it('opens new connections after the server closed the idle ones', async () => {
    const lab = webLab(twenty, { server: { idleTimeout: 5 * SECOND } });
    const browser = simBrowser(lab.network.requireNode('client'));
    const first = await load(lab, browser, URL0);
    await lab.sim.run(lab.sim.now + 10 * SECOND);
    const again = await load(lab, browser, URL0);
    expect(again.resources.every((r) => r.status === 200)).toBe(true);
    expect(again.connections).toHaveLength(6);
    expect(again.connections[0]!.id).toBe(first.connections.length + 1);
  });

  it('gives identical waterfalls run after run', async () => {
    const once = async () => {
      const lab = webLab(twenty);
      const page = await load(lab, simBrowser(lab.network.requireNode('client')), URL0);
      return JSON.stringify(page.resources);
    };
    expect(await once()).toBe(await once());
  });
});

describe('cookies and redirects', () => {
  it('stores Set-Cookie and sends Cookie on the requests after it', async () => {
    const cookies: string[] = [];
    const routes = new Router()
      .get('/', () => ({
        status: 200,
        headers: [
          ['Content-Type', 'text/html'],
          ['Set-Cookie', 'sid=abc123; Path=/; HttpOnly'],
          ['Set-Cookie', 'theme=dark; Path=/img'],
          ['Set-Cookie', 'bad; Path=/'],
        ],
        body: '<img src="/img/a.png"><script src="/s.js"></script>',
      }))
      .get('/img/a.png', (req) => {
        cookies.push(`img: ${req.headers.get('cookie')}`);
        return { status: 200, body: 'a' };
      })
      .get('/s.js', (req) => {
        cookies.push(`js: ${req.headers.get('cookie')}`);
        return { status: 200, body: 's' };
      });
    const lab = webLab({}, { server: { routes } });
    const trace: string[] = [];
    lab.sim.trace.on('browser.cookie', (e) =>
      trace.push(`${e.action} ${e.name} ${e.path} ${e.reason ?? ''}`),
    );
    const browser = simBrowser(lab.network.requireNode('client'));
    await load(lab, browser, URL0);
    expect(cookies.sort()).toEqual(['img: theme=dark; sid=abc123', 'js: sid=abc123']);
    expect(trace).toEqual(['stored sid / ', 'stored theme /img ', 'rejected bad  no-equals']);
    expect(browser.cookies.size).toBe(2);
  });

  it('follows 301, 302, 303, 307 and 308, one waterfall row per hop', async () => {
    const routes = new Router()
      .get('/a', () => ({ status: 301, headers: { Location: '/b' } }))
      .get('/b', () => ({ status: 302, headers: { Location: 'http://10.0.2.80/c' } }))
      .get('/c', () => ({ status: 303, headers: { Location: 'd' } }))
      .get('/d', () => ({ status: 307, headers: { Location: '/e?x=1' } }))
      .get('/e', () => ({ status: 308, headers: { Location: '/final.html#frag' } }));
    const lab = webLab({ '/final.html': '<p>here</p>' }, { server: { routes } });
    const page = await load(lab, simBrowser(lab.network.requireNode('client')), 'http://10.0.2.80/a');
    expect(page.resources.map((r) => `${r.status} ${r.url} -> ${r.redirectTo ?? ''}`)).toEqual([
      '301 http://10.0.2.80/a -> http://10.0.2.80/b',
      '302 http://10.0.2.80/b -> http://10.0.2.80/c',
      '303 http://10.0.2.80/c -> http://10.0.2.80/d',
      '307 http://10.0.2.80/d -> http://10.0.2.80/e?x=1',
      '308 http://10.0.2.80/e?x=1 -> http://10.0.2.80/final.html',
      '200 http://10.0.2.80/final.html -> ',
    ]);
    expect(page.finalUrl).toBe('http://10.0.2.80/final.html');
    expect(page.status).toBe(200);
    expect(page.connections).toHaveLength(1);
  });

  it('stops a redirect loop after 20 redirects: ERR_TOO_MANY_REDIRECTS', async () => {
    const routes = new Router().get('/loop', () => ({ status: 302, headers: { Location: '/loop' } }));
    const lab = webLab({}, { server: { routes } });
    const page = await load(lab, simBrowser(lab.network.requireNode('client')), 'http://10.0.2.80/loop');
    expect(page.resources).toHaveLength(21);
    expect(page.resources.slice(0, 20).every((r) => r.redirectTo === 'http://10.0.2.80/loop')).toBe(true);
    expect(page.resources[20]!.error?.netError).toBe('net::ERR_TOO_MANY_REDIRECTS');
    expect(page.error?.code).toBe('browser-too-many-redirects');
  });
});

describe('failures and hostile pages', () => {
  it('a failed subresource does not fail the page', async () => {
    const lab = webLab({
      '/index.html':
        '<img src="/missing.png"><img src="http://10.0.2.80:81/closed.png"><img src="http://nowhere.test/x.png">' +
        '<img src="ftp://10.0.2.80/x.png"><img src="/ok.png">',
      '/ok.png': 'ok',
    });
    const page = await load(
      lab,
      simBrowser(lab.network.requireNode('client'), {
        lookup: async () => ({ error: 'Name or service not known' }),
      }),
      URL0,
    );
    expect(page.error).toBeUndefined();
    expect(page.status).toBe(200);
    expect(page.resources.map((r) => `${r.url} ${r.status ?? r.error?.netError}`)).toEqual([
      'http://10.0.2.80/ 200',
      'http://10.0.2.80/missing.png 404',
      'http://10.0.2.80:81/closed.png net::ERR_CONNECTION_REFUSED',
      'http://nowhere.test/x.png net::ERR_NAME_NOT_RESOLVED',
      'ftp://10.0.2.80/x.png net::ERR_UNKNOWN_URL_SCHEME',
      'http://10.0.2.80/ok.png 200',
    ]);
  });

  it('a page that cannot load says why', async () => {
    const lab = webLab({});
    const refused = await load(lab, simBrowser(lab.network.requireNode('client')), 'http://10.0.2.80:8080/');
    expect(refused.error?.code).toBe('browser-connection-refused');
    expect(refused.resources[0]!.error?.netError).toBe('net::ERR_CONNECTION_REFUSED');
    const bad = await load(lab, simBrowser(lab.network.requireNode('client')), 'http://exa mple/');
    expect(bad.error?.code).toBe('browser-bad-url');
    expect(bad.resources).toHaveLength(0);
  });

  it('a server that never answers times out', async () => {
    const routes = new Router().get('/', () => new Promise(() => {}));
    const lab = webLab({}, { server: { routes } });
    const browser = simBrowser(lab.network.requireNode('client'), {
      limits: { responseTimeout: 2 * SECOND },
    });
    const page = await load(lab, browser, URL0);
    expect(page.error?.code).toBe('browser-timed-out');
    expect(page.loadTime).toBeGreaterThanOrEqual(2 * SECOND);
    expect(page.loadTime).toBeLessThan(2 * SECOND + 100 * MILLISECOND);
  });

  it('a 50 MB body is refused at its head, without receiving it', async () => {
    const routes = new Router().get('/big.bin', () => ({
      status: 200,
      contentLength: 50_000_000,
      body: (async function* () {
        for (let i = 0; i < 50; i++) yield new Uint8Array(1_000_000);
      })(),
    }));
    const lab = webLab(
      { '/index.html': '<img src="/big.bin"><img src="/small.png">', '/small.png': 's' },
      { server: { routes } },
    );
    const page = await load(lab, simBrowser(lab.network.requireNode('client')), URL0);
    const big = page.resources.find((r) => r.url.endsWith('big.bin'))!;
    expect(big.error?.code).toBe('browser-response-too-large');
    expect(page.resources.find((r) => r.url.endsWith('small.png'))!.status).toBe(200);
    expect(page.bytes).toBeLessThan(1000);
  });

  it('a page with 10,000 images fetches at most maxResources of them', async () => {
    const lab = webLab(imagePage(10_000, 1));
    const browser = simBrowser(lab.network.requireNode('client'), {
      protocol: 'h2',
      limits: { maxResources: 100 },
    });
    const page = await load(lab, browser, URL0);
    expect(page.resources).toHaveLength(100);
    expect(page.skipped).toBe(10_000 - 99);
    expect(page.resources.every((r) => r.status === 200)).toBe(true);
  });
});
