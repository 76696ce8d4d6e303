/**
 * The shell's `curl` on a simulated network: a client and a web server (netlab's HTTP/1.x
 * server on simulated TCP) joined by a router; what it prints is curl 7.88.1's output for
 * the same exchange (the formatter is checked against the real curl in
 * src/tools/format/curl.test.ts and test/interop/http.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { installWebServer } from '../../application/browser/web-server.ts';
import { ScenarioRun } from '../../lab/run/scenario-run.ts';
import { parseScenario } from '../../lab/scenario/index.ts';
import { SECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import type { OutputLine } from '../shell/shell.ts';
import { curl } from './curl.ts';
import { builtinCommands } from './index.ts';

const YAML = `
topology:
  nodes:
    client: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
    web: { kind: host, ip: 10.0.2.80/24, gateway: 10.0.2.1 }
    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
  links:
    - { endpoints: [client, r1:eth0], rate: 100Mbps, delay: 5ms }
    - { endpoints: [r1:eth1, web], rate: 100Mbps, delay: 5ms }
`;

const PAGE = '<!doctype html>\n<title>web</title>\n<p>hello</p>\n';

function lab() {
  const output: OutputLine[] = [];
  const registry = builtinCommands();
  const commands = registry.has('curl') ? registry : builtinCommands([curl]);
  const run = new ScenarioRun(parseScenario(YAML, 'curl.yaml').spec, {
    onOutput: (l) => output.push(l),
    commands,
  });
  installWebServer(
    run.network.requireNode('web'),
    { '/index.html': PAGE, '/a.txt': 'A\n' },
    { protocols: 'http1' },
  );
  const sh = async (line: string) => {
    const job = run.shell('client').run(line);
    let done = false;
    void job.done.then(() => {
      done = true;
      run.sim.stop();
    });
    await run.sim.run(run.sim.now + 60 * SECOND);
    if (!done) job.interrupt();
    const status = await job.done;
    const mine = output.filter((l) => l.job === job.id);
    return {
      status,
      out: mine.filter((l) => l.stream === 'out').map((l) => l.text),
      err: mine.filter((l) => l.stream === 'err').map((l) => l.text),
    };
  };
  return { run, sh };
}

describe('curl in the lab', () => {
  it('-v shows the connection, both heads, and leaves the connection intact', async () => {
    const { sh } = lab();
    const r = await sh('curl -v http://web/');
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['<!doctype html>', '<title>web</title>', '<p>hello</p>']);
    const masked = r.err.map((l) => l.replace(/^< (Date|ETag|Last-Modified): .*/, '< $1: X'));
    expect(masked).toEqual([
      '*   Trying 10.0.2.80:80...',
      '* Connected to web (10.0.2.80) port 80 (#0)',
      '> GET / HTTP/1.1',
      '> Host: web',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> ',
      '< HTTP/1.1 200 OK',
      '< Content-Type: text/html; charset=utf-8',
      '< ETag: X',
      '< Last-Modified: X',
      '< Date: X',
      '< Server: netlab',
      `< Content-Length: ${PAGE.length}`,
      '< ',
      '* Connection #0 to host web left intact',
    ]);
  });

  it('two URLs share the kept-alive connection', async () => {
    const { sh, run } = lab();
    const opened: TraceEventOf<'http.connection'>[] = [];
    run.sim.trace.on('http.connection', (e) => {
      if (e.side === 'client' && e.phase === 'open') opened.push(e);
    });
    const r = await sh('curl -sv http://web/a.txt http://web/a.txt');
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['A', 'A']);
    expect(r.err).toContain('* Re-using existing connection #0 with host web');
    expect(opened).toHaveLength(1);
  });

  it('--http1.0: the server closes, curl says so', async () => {
    const { sh } = lab();
    const r = await sh('curl -v --http1.0 http://web/a.txt');
    expect(r.err).toContain('> GET /a.txt HTTP/1.0');
    expect(r.err).toContain('< Connection: close');
    expect(r.err.at(-1)).toBe('* Closing connection 0');
  });

  it('-I and -i put the head on standard output', async () => {
    const { sh } = lab();
    const head = await sh('curl -I http://web/a.txt');
    expect(head.out[0]).toBe('HTTP/1.1 200 OK');
    expect(head.out).toContain('Content-Length: 2');
    expect(head.out.at(-1)).toBe('');
    const incl = await sh('curl -i http://web/nope');
    expect(incl.out[0]).toBe('HTTP/1.1 404 Not Found');
    expect(incl.out.at(-1)).toBe('Not Found');
  });

  it('POSTs with -d (a 405 from a file server)', async () => {
    const { sh } = lab();
    const r = await sh('curl -sv -d a=1 -d b=2 http://web/a.txt');
    expect(r.err).toContain('> POST /a.txt HTTP/1.1');
    expect(r.err).toContain('> Content-Length: 7');
    expect(r.err).toContain('> Content-Type: application/x-www-form-urlencoded');
    expect(r.err).toContain('< HTTP/1.1 405 Method Not Allowed');
    expect(r.err).toContain('< Allow: GET, HEAD');
  });

  it('fails like curl: refused (7), unknown host (6)', async () => {
    const { sh } = lab();
    const refused = await sh('curl http://web:8080/');
    expect(refused.status).toBe(7);
    expect(refused.err).toEqual([
      expect.stringMatching(
        /^curl: \(7\) Failed to connect to web port 8080 after \d+ ms: Couldn't connect to server$/,
      ),
    ]);
    const unknown = await sh('curl -v http://nosuch/');
    expect(unknown.status).toBe(6);
    expect(unknown.err).toEqual([
      '* Could not resolve host: nosuch',
      '* Closing connection 0',
      'curl: (6) Could not resolve host: nosuch',
    ]);
  });

  it('takes the simulated time the round trips cost (RTT 20 ms: handshake, then request)', async () => {
    const { sh, run } = lab();
    await sh('curl -s http://web/a.txt'); // the first one also waits for ARP on both LANs
    const t0 = run.sim.now;
    const responses: TraceEventOf<'http.response'>[] = [];
    run.sim.trace.on('http.response', (e) => responses.push(e));
    await sh('curl -s http://web/a.txt');
    const client = responses.find((e) => e.side === 'client')!;
    // SYN/SYN-ACK is one RTT, the request and its response another: 40 ms and a little.
    expect(client.time - t0).toBeGreaterThanOrEqual(40e6);
    expect(client.time - t0).toBeLessThan(41e6);
  });
});
