/**
 * `curl` on a small simulated web: client — r1 — web (5 ms each way, so 20 ms RTT), a web
 * server with files and a few routes. Output as curl 7.88.1 prints it; lines stamped
 * with the simulated time they were printed.
 */
import { describe, expect, it } from 'vitest';
import { installWebServer } from '../../src/application/browser/index.ts';
import { Router } from '../../src/application/http/router.ts';
import { MILLISECOND } from '../../src/sim/time.ts';
import { Lab } from './lab-harness.ts';

const WEB = `
topology:
  nodes:
    client: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
    web: { kind: host, ip: 10.0.2.80/24, gateway: 10.0.2.1 }
    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
  links:
    - { endpoints: [client, r1:eth0], delay: 5ms }
    - { endpoints: [r1:eth1, web], delay: 5ms }
routing: static
`;

function lab() {
  const l = new Lab(WEB);
  const routes = new Router()
    .get('/old', () => ({
      status: 301,
      headers: { Location: '/index.html', 'Content-Type': 'text/plain' },
      body: 'Moved\n',
    }))
    .get('/loop', () => ({ status: 302, headers: { Location: '/loop' }, body: '' }))
    .post('/form', (req) => ({ status: 200, body: `got ${new TextDecoder().decode(req.body)}\n` }));
  installWebServer(
    l.network.requireNode('web'),
    { '/index.html': '<html>hello</html>\n', '/two.txt': 'one\ntwo', '/bin.dat': new Uint8Array([0, 1, 2]) },
    { routes },
  );
  return l;
}

const SERVER_HEADERS = [
  '< Content-Type: text/html; charset=utf-8',
  '< ETag: "67748580-13"',
  '< Last-Modified: Wed, 01 Jan 2025 00:00:00 GMT',
  '< Date: Wed, 01 Jan 2025 00:00:00 GMT',
  '< Server: netlab',
  '< Content-Length: 19',
];

describe('curl', () => {
  it('-v: each line when it happens, the body on standard output', async () => {
    const r = await lab().sh('client', 'curl -v http://10.0.2.80/index.html');
    expect(r.status).toBe(0);
    expect(r.lines.map((l) => `${l.stream} ${l.text}`)).toEqual([
      'err *   Trying 10.0.2.80:80...',
      'err * Connected to 10.0.2.80 (10.0.2.80) port 80 (#0)',
      'err > GET /index.html HTTP/1.1',
      'err > Host: 10.0.2.80',
      'err > User-Agent: curl/7.88.1',
      'err > Accept: */*',
      'err > ',
      'err < HTTP/1.1 200 OK',
      ...SERVER_HEADERS.map((h) => `err ${h}`),
      'err < ',
      'out <html>hello</html>',
      'err * Connection #0 to host 10.0.2.80 left intact',
    ]);
    const at = (text: string) => r.lines.find((l) => l.text === text)!.time;
    expect(at('*   Trying 10.0.2.80:80...')).toBe(0);
    // The first SYN waits for two ARP exchanges (one per link) before its round trip.
    expect(at('* Connected to 10.0.2.80 (10.0.2.80) port 80 (#0)')).toBeGreaterThanOrEqual(40 * MILLISECOND);
    expect(at('< HTTP/1.1 200 OK') - at('> GET /index.html HTTP/1.1')).toBeGreaterThanOrEqual(
      20 * MILLISECOND,
    );
  });

  it('reuses the connection for a second URL to the same host', async () => {
    const r = await lab().sh('client', 'curl -sv http://web/index.html http://web/two.txt');
    expect(r.status).toBe(0);
    expect(r.err).toContain('* Re-using existing connection #0 with host web');
    expect(r.err.filter((l) => l.startsWith('*   Trying'))).toHaveLength(1);
    expect(r.out).toEqual(['<html>hello</html>', 'one', 'two']);
  });

  it('-L follows a redirect on the same connection', async () => {
    const r = await lab().sh('client', 'curl -sv -L web/old');
    expect(r.status).toBe(0);
    const i = r.err.indexOf('* Ignoring the response-body');
    expect(r.err.slice(i - 1, i + 6)).toEqual([
      '< ',
      '* Ignoring the response-body',
      '* Connection #0 to host web left intact',
      "* Issue another request to this URL: 'http://web/index.html'",
      '* Found bundle for host: 0x55d0c1e4a2f0 [serially]',
      '* Can not multiplex, even if we wanted to',
      '* Re-using existing connection #0 with host web',
    ]);
    expect(r.out).toEqual(['<html>hello</html>']);
  });

  it('stops after --max-redirs with 47', async () => {
    const r = await lab().sh('client', 'curl -sS -L --max-redirs 2 http://web/loop');
    expect(r.status).toBe(47);
    expect(r.err).toEqual(['curl: (47) Maximum (2) redirects followed']);
  });

  it('--http2-prior-knowledge speaks HTTP/2 to the same server', async () => {
    const r = await lab().sh('client', 'curl -v --http2-prior-knowledge http://web/index.html');
    expect(r.status).toBe(0);
    expect(r.err.slice(2, 9)).toEqual([
      '* h2h3 [:method: GET]',
      '* h2h3 [:path: /index.html]',
      '* h2h3 [:scheme: http]',
      '* h2h3 [:authority: web]',
      '* h2h3 [user-agent: curl/7.88.1]',
      '* h2h3 [accept: */*]',
      '* Using Stream ID: 1 (easy handle 0x55d0c1e3f2b0)',
    ]);
    expect(r.err).toContain('> GET /index.html HTTP/2');
    expect(r.err).toContain('< HTTP/2 200 ');
    expect(r.err).toContain('< content-length: 19');
    expect(r.out).toEqual(['<html>hello</html>']);
  });

  it('--http1.0 sends an HTTP/1.0 request and the server closes', async () => {
    const r = await lab().sh('client', 'curl -v --http1.0 http://web/index.html');
    expect(r.err).toContain('> GET /index.html HTTP/1.0');
    expect(r.err.at(-1)).toBe('* Closing connection 0');
  });

  it('-d posts a form body', async () => {
    const r = await lab().sh('client', 'curl -s -d a=1 -d b=2 http://web/form');
    expect(r.out).toEqual(['got a=1&b=2']);
  });

  it('-i and -I show the response head', async () => {
    const l = lab();
    const i = await l.sh('client', 'curl -s -i http://web/two.txt');
    expect(i.out[0]).toBe('HTTP/1.1 200 OK');
    expect(i.out.slice(-3)).toEqual(['', 'one', 'two']);
    const head = await l.sh('client', 'curl -s -I http://web/index.html');
    expect(head.out).toEqual(['HTTP/1.1 200 OK', ...SERVER_HEADERS.map((h) => h.slice(2)), '']);
  });

  it('-f turns an HTTP error into exit 22', async () => {
    const r = await lab().sh('client', 'curl -f http://web/nope');
    expect(r.status).toBe(22);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual(['curl: (22) The requested URL returned error: 404']);
    const s = await lab().sh('client', 'curl -s -f http://web/nope');
    expect(s.err).toEqual([]);
  });

  it('-o saves the body and shows the progress meter', async () => {
    const l = lab();
    const r = await l.sh('client', 'curl -o page.html http://web/index.html');
    expect(r.status).toBe(0);
    expect(new TextDecoder().decode(l.run.env.files.get('page.html'))).toBe('<html>hello</html>\n');
    expect(r.out).toEqual([]);
    expect(r.err[0]).toBe('  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current');
    expect(r.err[2]).toMatch(/^100 {4}19 {2}100 {4}19 {4}0 {5}0 +\d+ {6}0 --:--:-- --:--:-- --:--:-- +\d+$/);
  });

  it('refuses to write binary to the terminal: 23', async () => {
    const r = await lab().sh('client', 'curl http://web/bin.dat');
    expect(r.status).toBe(23);
    expect(r.err[0]).toBe('Warning: Binary output can mess up your terminal. Use "--output -" to tell ');
  });

  it('-w writes transfer facts', async () => {
    const r = await lab().sh(
      'client',
      `curl -s -o /dev/null -w '%{http_code} %{num_connects} %{size_download} %{remote_ip}\\n' http://web/`,
    );
    expect(r.out).toEqual(['200 1 19 10.0.2.80']);
  });

  it('fails as curl does: 7 refused, 6 unresolved, 3 bad URL, 1 unknown scheme, 2 usage', async () => {
    const l = lab();
    const refused = await l.sh('client', 'curl http://10.0.2.80:81/');
    expect(refused.status).toBe(7);
    expect(refused.err[0]).toMatch(
      /^curl: \(7\) Failed to connect to 10\.0\.2\.80 port 81 after \d+ ms: Couldn't connect to server$/,
    );
    const v = await l.sh('client', 'curl -v http://10.0.2.80:81/');
    expect(v.err.slice(0, 2)).toEqual([
      '*   Trying 10.0.2.80:81...',
      '* connect to 10.0.2.80 port 81 failed: Connection refused',
    ]);
    const unresolved = await l.sh('client', 'curl http://nosuch/');
    expect(unresolved.status).toBe(6);
    expect(unresolved.err).toEqual(['curl: (6) Could not resolve host: nosuch']);
    expect((await l.sh('client', 'curl "http://bad host/"')).status).toBe(3);
    // https is curl's too now (test/tools/curl-https.test.ts); nobody listens on 443 here.
    expect((await l.sh('client', 'curl https://web/')).status).toBe(7);
    expect((await l.sh('client', 'curl ftp://web/')).err).toEqual([
      'curl: (1) Protocol "ftp" not supported or disabled in libcurl',
    ]);
    const usage = await l.sh('client', 'curl');
    expect(usage.status).toBe(2);
    expect(usage.err[0]).toBe('curl: no URL specified!');
  });

  it('-m gives up on a server that does not answer: 28', async () => {
    const l = new Lab(WEB);
    installWebServer(
      l.network.requireNode('web'),
      {},
      { routes: new Router().get('/slow', () => new Promise(() => {})) },
    );
    const r = await l.sh('client', 'curl -m 1 http://web/slow');
    expect(r.status).toBe(28);
    expect(r.err[0]).toMatch(
      /^curl: \(28\) Operation timed out after 10\d\d milliseconds with 0 bytes received$/,
    );
    expect(r.endedAt).toBeLessThan(1100 * MILLISECOND);
  });
});

describe('browser', () => {
  it('loads a page, prints its URL breakdown and waterfall, and the page-load time', async () => {
    const l = new Lab(WEB);
    installWebServer(l.network.requireNode('web'), {
      '/index.html': '<link rel=stylesheet href=s.css><img src=a.png><img src=http://web:81/x.png>',
      '/s.css': 'body { background: url(bg.png) }',
      '/a.png': 'a'.repeat(2000),
      '/bg.png': 'b',
    });
    const r = await l.sh('client', 'browser --no-bars http://10.0.2.80/');
    expect(r.status).toBe(0);
    expect(r.out.slice(0, 4)).toEqual([
      'http://10.0.2.80/',
      '  scheme http, host 10.0.2.80 (an IPv4 address), port 80, path /',
      '  HTTP/1.1 keep-alive, at most 6 connections per origin',
      '',
    ]);
    expect(r.out[4]).toMatch(/^# +resource +status +size +start +DNS +connect +TTFB +total +conn$/);
    const rows = r.out.slice(5, -1).map((l) => l.split(/\s+/));
    expect(rows.map((c) => [c[1], c[2], c[3], c[9]])).toEqual([
      ['http://10.0.2.80/', '200', '76', '#1'],
      ['http://10.0.2.80/s.css', '200', '32', '#1'],
      // a.png asked for a second connection, but #1 was free first (requests take the
      // first connection available); bg.png, found in s.css, got the new one.
      ['http://10.0.2.80/a.png', '200', '2000', '#1'],
      ['http://web:81/x.png', 'net::ERR_CONNECTION_REFUSED', '0', '-'],
      ['http://10.0.2.80/bg.png', '200', '1', '#2'],
    ]);
    expect(r.out.at(-1)).toMatch(
      /^Page load time \d+\.\d ms: 5 resources \(1 failed\), 2109 bytes, 2 connections$/,
    );
  });

  it('--h2 loads everything over one connection; a page that fails exits 1', async () => {
    const l = new Lab(WEB);
    installWebServer(l.network.requireNode('web'), {
      '/index.html': '<img src=a.png><img src=b.png>',
      '/a.png': 'a',
      '/b.png': 'b',
    });
    const r = await l.sh('client', 'browser --h2 web');
    expect(r.status).toBe(0);
    expect(r.out[2]).toBe('  HTTP/2 (prior knowledge), at most 6 connections per origin');
    expect(r.out.at(-1)).toMatch(/, 1 connection$/);
    const bad = await l.sh('client', 'browser http://nosuch.example/');
    expect(bad.status).toBe(1);
    expect(bad.err).toEqual([
      'browser: http://nosuch.example/: net::ERR_NAME_NOT_RESOLVED (nosuch.example: Name or service not known)',
    ]);
    expect((await l.sh('client', 'browser')).status).toBe(2);
  });
});
