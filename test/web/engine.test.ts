/**
 * The lab engine — what the web lab's worker runs — in Node: the same run as the CLI for
 * every example, the same run whether stepped or played, journaled actions replayed to
 * the same state, and what the views read (capture, filter, tables, ladders, charts)
 * taken from real runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/bytes/concat.ts';
import { runScenarioCli } from '../../src/cli/run-scenario.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import { jsonLine } from '../../src/lab/run/timeline.ts';
import { parseScenario } from '../../src/lab/scenario/index.ts';
import type { ScenarioSpec } from '../../src/lab/scenario/spec.ts';
import { MILLISECOND, SECOND } from '../../src/sim/time.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { LabEngine, outputJson, traceJson } from '../../web/src/engine/lab-engine.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const names = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

function load(name: string): ScenarioSpec {
  return parseScenario(readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8'), `examples/${name}.yaml`).spec;
}

/** A scenario of the web lab's own tests (test/web/fixtures). */
function fixture(name: string): ScenarioSpec {
  return parseScenario(
    readFileSync(join(import.meta.dirname, 'fixtures', `${name}.yaml`), 'utf8'),
    `${name}.yaml`,
  ).spec;
}

/** What `netlab run NAME --pcap` computes: the pcap of every link.tx and every output line. */
async function cliRun(spec: ScenarioSpec): Promise<{ pcap: Uint8Array; output: string[] }> {
  const run = new ScenarioRun(spec);
  const chunks: Uint8Array[] = [];
  const w = new PcapWriter((c) => chunks.push(c));
  run.sim.trace.on('link.tx', (e) => w.write(e.time, e.frame));
  const result = await run.run();
  return { pcap: concatBytes(chunks), output: result.output.map(jsonLine) };
}

function enginePcap(e: LabEngine): Uint8Array {
  return concatBytes(e.pcapChunks());
}

describe('the lab engine runs what the CLI runs', () => {
  it.each(names)('%s: same capture and output when played to the end', async (name) => {
    const spec = load(name);
    const cli = await cliRun(spec);
    const e = new LabEngine(spec);
    const lines: string[] = [];
    // Played in slices, as the worker plays it.
    for (let t = 0; !e.ended; t += 250 * MILLISECOND) {
      await e.advanceTo(Math.min(t, spec.duration));
      lines.push(...e.drainOutput().map(outputJson));
    }
    expect(e.sim.now).toBe(spec.duration);
    expect(Buffer.from(enginePcap(e)).equals(Buffer.from(cli.pcap))).toBe(true);
    expect(lines).toEqual(cli.output);
    expect(e.capture.count).toBeGreaterThan(0);
  });

  it('gives the same capture stepped event by event as played', async () => {
    const spec = load('default');
    const played = new LabEngine(spec);
    await played.advanceTo(spec.duration);
    const stepped = new LabEngine(spec);
    let steps = 0;
    while (!stepped.ended && (await stepped.step())) steps++;
    expect(steps).toBe(played.sim.eventsExecuted + 1); // every event, and the end of the script
    expect(stepped.sim.now).toBe(spec.duration);
    expect(Buffer.from(enginePcap(stepped)).equals(Buffer.from(enginePcap(played)))).toBe(true);
    expect(stepped.drainOutput()).toEqual(played.drainOutput());
  });

  it('exports the trace exactly as `netlab run --json --trace all,link.frames` prints it', async () => {
    const spec = load('default');
    const printed: string[] = [];
    await runScenarioCli(spec, { json: true, trace: ['all', 'link.frames'], write: (l) => printed.push(l) });
    const e = new LabEngine(spec);
    await e.advanceTo(spec.duration);
    const exported: string[] = [];
    await LabEngine.replay(spec, e.journal, e.position(), {
      collect: false,
      onTrace: (ev) => exported.push(traceJson(ev)),
      onOutput: (l) => exported.push(outputJson(l)),
    });
    expect(exported.length).toBeGreaterThan(200);
    expect(exported).toEqual(printed);
  });
});

describe('actions and replay', () => {
  it('replays a journal of terminal commands, cuts and edits to the same state', async () => {
    const spec = load('default');
    const a = new LabEngine(spec);
    await a.advanceTo(1500 * MILLISECOND);
    await a.apply({ kind: 'shell', node: 'h2', line: 'ping -i 0.3 h3' });
    await a.advanceTo(2 * SECOND);
    await a.step();
    await a.step();
    await a.apply({ kind: 'link', link: 4, delay: 5 * MILLISECOND, loss: 0.25 });
    await a.advanceTo(3 * SECOND);
    await a.apply({ kind: 'link', link: 3, up: false });
    await a.advanceTo(3700 * MILLISECOND);
    const ping = a.runningJobs('h2')[0]!;
    await a.apply({ kind: 'interrupt', job: ping });
    await a.advanceTo(7 * SECOND);
    await a.apply({ kind: 'node', node: 'sw1', up: false });
    await a.advanceTo(8 * SECOND);
    const b = await LabEngine.replay(spec, a.journal, a.position());
    expect(b.position()).toEqual(a.position());
    expect(Buffer.from(enginePcap(b)).equals(Buffer.from(enginePcap(a)))).toBe(true);
    expect(b.drainOutput()).toEqual(a.drainOutput());
    expect(b.journal).toEqual(a.journal);
  });

  it('jumps back in time: a replay to an earlier instant is the run up to that instant', async () => {
    const spec = load('default');
    const a = new LabEngine(spec);
    await a.advanceTo(1 * SECOND);
    await a.apply({ kind: 'shell', node: 'h2', line: 'ping -c 5 -i 0.2 10.0.2.10' });
    await a.advanceTo(5 * SECOND);
    const back = await LabEngine.replay(spec, a.journal, { time: 1600 * MILLISECOND });
    expect(back.sim.now).toBe(1600 * MILLISECOND);
    const upTo = Array.from({ length: a.capture.count }, (_, i) => i).filter(
      (i) => a.capture.time(i) <= back.sim.now,
    );
    expect(back.capture.count).toBe(upTo.length);
    for (const i of upTo)
      expect(Buffer.from(back.capture.frame(i)).equals(Buffer.from(a.capture.frame(i)))).toBe(true);
    expect(back.journal).toHaveLength(1);
  });

  it('runs a ping typed into a node and interrupts it as Ctrl-C does', async () => {
    const e = new LabEngine(load('default'));
    await e.advanceTo(6 * SECOND);
    e.drainOutput();
    const { job } = await e.apply({ kind: 'shell', node: 'h1', line: 'ping h3' });
    await e.advanceTo(8500 * MILLISECOND);
    expect(e.runningJobs('h1')).toEqual([job]);
    await e.apply({ kind: 'interrupt', job: job! });
    await e.advanceTo(9 * SECOND);
    const text = e.drainOutput().map((l) => l.text);
    expect(text.filter((t) => /^64 bytes from h3 \(10\.0\.2\.10\): icmp_seq=\d ttl=63/.test(t))).toHaveLength(
      3,
    );
    expect(text).toContain('3 packets transmitted, 3 received, 0% packet loss, time 2000ms');
    expect(e.runningJobs('h1')).toEqual([]);
    expect(e.drainJobEnds()).toEqual([{ job, node: 'h1', status: 0 }]);
  });

  it('changes a cable’s delay while running: the next pings take longer', async () => {
    const e = new LabEngine(load('default'));
    await e.advanceTo(6 * SECOND);
    e.drainOutput();
    const link = e.topology.links.findIndex((l) => l.a.node === 'r1' && l.b.node === 'sw2');
    await e.apply({ kind: 'link', link, delay: 10 * MILLISECOND });
    expect(e.linkInfo(link).delay).toBe(10 * MILLISECOND);
    await e.apply({ kind: 'shell', node: 'h1', line: 'ping -c 2 h3' });
    await e.advanceTo(9 * SECOND);
    const times = e
      .drainOutput()
      .map((l) => /time=([\d.]+) ms/.exec(l.text)?.[1])
      .filter((t) => t !== undefined)
      .map(Number);
    expect(times).toHaveLength(2);
    // Twice across the slowed cable: 20 ms more than the 0.015 ms of before.
    for (const t of times) expect(t).toBeGreaterThanOrEqual(20);
  });

  it('cuts a cable: frames stop leaving both ends, and a tap on a bus is not a cable', async () => {
    const e = new LabEngine(load('default'));
    const link = e.topology.links.findIndex((l) => l.a.node === 'r1' && l.b.node === 'sw2');
    await e.advanceTo(500 * MILLISECOND);
    await e.apply({ kind: 'link', link, up: false });
    expect(e.takeStateChange()).toBe(true);
    expect(e.linkStates()[link]).toBe(false);
    await e.advanceTo(6 * SECOND);
    expect(e.linkInfo(link).txFrames).toEqual([0, 0]);
    expect(e.drainOutput().some((l) => l.text.startsWith('3 packets transmitted, 0 received'))).toBe(true);

    const bus = new LabEngine(load('bus-sniffing'));
    const tap = bus.topology.links.findIndex((l) => l.kind === 'attachment');
    await expect(bus.apply({ kind: 'link', link: tap, up: false })).rejects.toThrow(/tap on a shared medium/);
    await expect(bus.apply({ kind: 'link', link: tap, loss: 0.5 })).rejects.toThrow(/shared medium/);
    await expect(e.apply({ kind: 'link', link, loss: 2 })).rejects.toThrow(/loss must be in \[0, 1\]/);
    expect(bus.journal).toEqual([]);
  });
});

describe('what the views read', () => {
  it('filters the capture and finds a packet’s row', async () => {
    const e = new LabEngine(load('default'));
    await e.advanceTo(6 * SECOND);
    expect(e.setFilter('icmp.type == 8 && frame.iface == "h1:eth0"')).toEqual({ count: 3 });
    const rows = e.rows(0, 10);
    expect(rows.map((r) => r.info)).toEqual([
      'Echo (ping) request  id=0xad2f, seq=1/256, ttl=64',
      'Echo (ping) request  id=0xad2f, seq=2/512, ttl=64',
      'Echo (ping) request  id=0xad2f, seq=3/768, ttl=64',
    ]);
    expect(rows.every((r) => r.iface === 'h1:eth0' && r.protocol === 'ICMP' && r.length === 98)).toBe(true);
    expect(e.rowOf(rows[1]!.index)).toBe(1);
    expect(e.rowOf(0)).toBe(-1);
    // The filter keeps up as the capture grows.
    await e.apply({ kind: 'shell', node: 'h1', line: 'ping -c 1 h3' });
    await e.advanceTo(7 * SECOND);
    expect(e.visibleCount()).toBe(4);
    expect(e.setFilter('')).toEqual({ count: e.capture.count });
    expect(e.setFilter('ip.ttl >')).toEqual({ error: "expected a value after '>'", at: 8 });
  });

  it('reads the tables of hosts, routers, switches and servers', async () => {
    const e = new LabEngine(load('default'));
    await e.advanceTo(6 * SECOND);
    const h1 = await e.tables('h1');
    expect(h1.map((t) => t.id)).toEqual(['interfaces', 'arp', 'routes', 'sockets']);
    expect(h1.find((t) => t.id === 'arp')!.rows).toEqual([
      ['10.0.1.1', '02:00:00:00:00:09', 'eth0', 'REACHABLE'],
    ]);
    expect(h1.find((t) => t.id === 'routes')!.rows).toEqual([
      ['default', '10.0.1.1', 'eth0', 'static', '0'],
      ['10.0.1.0/24', '', 'eth0', 'kernel', '0'],
    ]);
    const iface = h1.find((t) => t.id === 'interfaces')!.rows[0]!;
    expect(iface.slice(0, 4)).toEqual(['eth0', '02:00:00:00:00:01', '10.0.1.10/24', 'UP']);
    const sw1 = await e.tables('sw1');
    expect(sw1.map((t) => t.id)).toEqual(['interfaces', 'mac']);
    expect(sw1.find((t) => t.id === 'mac')!.rows.map((r) => r.slice(0, 2))).toEqual([
      ['02:00:00:00:00:01', 'p1'],
      ['02:00:00:00:00:09', 'p3'],
    ]);
    const web = new LabEngine(fixture('http-page'));
    await web.advanceTo(2 * SECOND);
    const server = (await web.tables('server')).find((t) => t.id === 'sockets')!;
    expect(server.rows).toEqual([['tcp', '0.0.0.0:80', '*:*', 'LISTEN', '', '', '', '']]);
    const client = (await web.tables('client')).find((t) => t.id === 'sockets')!;
    expect(client.rows.map((r) => r.slice(0, 4))).toEqual([
      ['tcp', expect.stringMatching(/^10\.0\.0\.1:\d+$/), '10.0.0.2:80', 'TIME-WAIT'],
    ]);
  });

  it('draws one TCP connection: handshake, request, response, close, TIME-WAIT', async () => {
    const e = new LabEngine(fixture('http-page'));
    await e.advanceTo(70 * SECOND);
    const tcp = e.sequence.summaries().find((c) => c.protocols.includes('TCP'))!;
    expect([tcp.a, tcp.b]).toEqual(['client', 'server']);
    expect(tcp.ports).toMatch(/^\d+ ↔ 80$/);
    const d = e.sequence.diagram(tcp.id, 0, 1000, (i) => e.row(i));
    expect(d.lanes).toEqual(['client', 'server']);
    expect(d.messages.map((m) => `${m.from}>${m.to} ${m.protocol} ${m.label}`)).toEqual([
      'client>server TCP SYN Seq=0',
      'server>client TCP SYN, ACK Seq=0 Ack=1',
      'client>server TCP ACK Seq=1 Ack=1',
      expect.stringMatching(/^client>server HTTP GET \/ HTTP\/1\.1 \(PSH, ACK Seq=1 Ack=1 Len=(\d+)\)$/),
      expect.stringMatching(/^server>client TCP ACK Seq=1 Ack=\d+$/),
      expect.stringMatching(/^server>client HTTP HTTP\/1\.1 200 OK \(PSH, ACK Seq=1 Ack=\d+ Len=\d+\)$/),
      expect.stringMatching(/^client>server TCP FIN, ACK Seq=\d+ Ack=\d+$/),
      expect.stringMatching(/^server>client TCP ACK/),
      expect.stringMatching(/^server>client TCP FIN, ACK/),
      expect.stringMatching(/^client>server TCP ACK/),
    ]);
    expect(d.messages.every((m) => m.rx !== null && m.rx > m.tx)).toBe(true);
    expect(d.notes.map((n) => `${n.lane} ${n.text}`)).toEqual([
      'client SYN-SENT',
      'server SYN-RECEIVED',
      'client ESTABLISHED',
      'client GET /',
      'server ESTABLISHED',
      'client 200 OK',
      'client FIN-WAIT-1',
      'server CLOSE-WAIT',
      'server LAST-ACK',
      'client FIN-WAIT-2',
      'client TIME-WAIT',
      'server CLOSED',
      'client CLOSED',
    ]);
    // TIME-WAIT lasts 60 s (2 MSL) before CLOSED.
    const tw = d.notes.find((n) => n.text === 'TIME-WAIT')!;
    const closed = d.notes.filter((n) => n.lane === 'client' && n.text === 'CLOSED').at(-1)!;
    expect(closed.time - tw.time).toBe(60 * SECOND);
  });

  it('draws the tour’s TCP handshake first', async () => {
    const e = new LabEngine(load('tour'));
    await e.advanceTo(5 * SECOND);
    const tcp = e.sequence.summaries().find((c) => c.protocols.includes('TCP'))!;
    expect([tcp.a, tcp.b]).toEqual(['laptop', 'www']);
    const d = e.sequence.diagram(tcp.id, 0, 3, (i) => e.row(i));
    expect(d.messages.map((m) => m.label)).toEqual(['SYN Seq=0', 'SYN, ACK Seq=0 Ack=1', 'ACK Seq=1 Ack=1']);
  });

  it('charts the tour: throughput per link, cwnd and RTT per connection, the page-load waterfall', async () => {
    const e = new LabEngine(load('tour'));
    await e.advanceTo(70 * SECOND);
    const c = e.charts;
    for (let link = 0; link < e.topology.links.length; link++) {
      const info = e.linkInfo(link);
      expect(c.throughput.total(link * 2)).toBe(info.txBytes[0]);
      expect(c.throughput.total(link * 2 + 1)).toBe(info.txBytes[1]);
    }
    expect(c.throughput.length).toBeLessThanOrEqual(1000);
    const first = [...c.tcp.values()].find((s) => s.node === 'www')!;
    expect(first.cwnd.points().v.length).toBeGreaterThan(1);
    expect(first.srtt.points().v.every((v) => v > 0)).toBe(true);
    const pages = c.waterfall.map((w) => `${w.method} ${w.target} ${w.status}`);
    expect(pages[0]).toBe('GET / 200');
    expect(pages).toContain('GET /style.css 200');
    const root = c.waterfall[0]!;
    expect(root.connectStart).not.toBeNull();
    expect(root.connectEnd! - root.connectStart!).toBeGreaterThan(0);
    // The request goes once the connection is up (and, for https, once TLS has shaken hands).
    expect(root.requestStart).toBeGreaterThanOrEqual(root.connectEnd!);
    expect(c.waterfall.every((w) => w.done !== null && w.done > w.requestStart)).toBe(true);
  });

  it('animates frames along the links they cross and marks drops at the end that dropped them', async () => {
    const e = new LabEngine(load('bottleneck'));
    await e.advanceTo(1500 * MILLISECOND);
    const { flights, skipped } = e.drainFlights();
    expect(skipped).toBe(0);
    expect(flights.length).toBe(e.capture.count);
    // The first ping, h1 → h2 over three cables and back: each frame crosses one, a → b or b → a.
    for (const f of flights) expect(f.t1).toBeGreaterThan(f.t0);
    expect(flights.filter((f) => f.kind === 2).map((f) => `${f.link}${f.dir}`)).toEqual([
      '00',
      '10',
      '20',
      '21',
      '11',
      '01',
    ]);
    // iperf sends 21 Mbit/s from 2 s: the 10 Mbit/s middle link (index 1) is busy all the time from r1 to r2.
    await e.advanceTo(2500 * MILLISECOND);
    e.drainUtilisation();
    e.drainDrops();
    await e.advanceTo(3 * SECOND);
    const util = e.drainUtilisation();
    expect(util[2]).toBeGreaterThan(0.95);
    // The first cable is 100 Mbit/s: 21 Mbit/s of UDP data, plus headers, keep it 22% busy.
    expect(util[0]).toBeGreaterThan(0.21);
    expect(util[0]).toBeLessThan(0.23);
    const drops = e.drainDrops();
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((d) => d.reason === 'queue-full' && d.link === 1 && d.end === 0)).toBe(true);
  });
});
