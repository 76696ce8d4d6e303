/**
 * The tour (examples/tour.yaml with its narrator): every step the description promises
 * happens, in order, and what the narrator says matches what was on the wire.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import { type Narration, TourNarrator } from '../../src/lab/tour/narrator.ts';
import { SECOND } from '../../src/sim/time.ts';
import { dissect } from '../../src/tools/dissect/index.ts';
import { exampleSpec } from './run-example.ts';

describe('the tour', async () => {
  const run = new ScenarioRun(exampleSpec('tour'));
  const story: Narration[] = [];
  const narrator = new TourNarrator(run.sim, run.network, 'laptop', (n) => story.push(n));
  const syns: { seq: number; ack: number; flags: number; dir: string }[] = [];
  run.sim.trace.on('link.tx', (e) => {
    if (e.node !== 'laptop' && !(e.node === 'home-router' && e.iface === 'eth0')) return;
    const tcp = dissect(e.frame).layers[2]?.decoded;
    if (tcp?.kind === 'tcp' && syns.length < 3)
      syns.push({ seq: tcp.seq, ack: tcp.ack, flags: tcp.flags, dir: e.node });
  });
  const result = await run.run();
  narrator.stop();
  const text = story.map((s) => s.en);
  const find = (re: RegExp) => {
    const i = text.findIndex((t) => re.test(t));
    if (i < 0) throw new Error(`no narration matching ${re}`);
    return i;
  };

  it('tells the story in the order it happens: URL, DNS, ARP, TCP handshake, HTTP, page, close, TIME-WAIT', () => {
    const order = [
      /^You type http:\/\/www\.example\.com\/ into the browser/,
      /^The URL, taken apart: scheme http \(port 80 by default\), host www\.example\.com: subdomain "www" of the domain example\.com/,
      /^Not there, so the stub resolver sends a DNS query in a UDP datagram/,
      /broadcasts an ARP request "who has 192\.168\.1\.1\?"/,
      /^The ISP's resolver isp-dns asks root \(198\.41\.0\.4\)/,
      /^root \(198\.41\.0\.4\) .* servers of com\./,
      /^The ISP's resolver isp-dns asks tld-com \(192\.5\.6\.30\)/,
      /^tld-com \(192\.5\.6\.30\) .* servers of example\.com\./,
      /^ns-example \(203\.0\.113\.53\) answers authoritatively/,
      /^DNS done: www\.example\.com is 203\.0\.113\.80/,
      /^TCP connection #1 to www \(203\.0\.113\.80\):80, step 1/,
      /^Step 2: the server answers SYN-ACK/,
      /^Step 3: laptop sends ACK/,
      /^HTTP: the browser sends its request on the connection: "GET \/ HTTP\/1\.1"/,
      /^The response: 200 for \/, text\/html/,
      /^The page is loaded: 8 resources \(0 failed\)/,
      /^laptop is done with connection #1 and closes it: it sends FIN and goes to FIN-WAIT-1/,
      /^www receives the FIN and acknowledges it: CLOSE-WAIT/,
      /^laptop gets that FIN and sends the last ACK \(step 4\): TIME-WAIT/,
      /^TIME-WAIT of connection #1 is over on laptop \(60 s later\)/,
    ].map(find);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('the handshake numbers it gives are the ones on the wire: SYN n; SYN-ACK m, n+1; ACK m+1', () => {
    const [syn, synAck, ack] = syns;
    expect([syn!.flags & 0x12, synAck!.flags & 0x12, ack!.flags & 0x12]).toEqual([0x02, 0x12, 0x10]);
    expect(synAck!.ack).toBe((syn!.seq + 1) >>> 0);
    expect(ack!.ack).toBe((synAck!.seq + 1) >>> 0);
    expect(text[find(/step 1/)]).toContain(`SYN seq=${syn!.seq} `);
    expect(text[find(/^Step 2/)]).toContain(`SYN-ACK seq=${synAck!.seq} ack=${synAck!.ack} `);
    expect(text[find(/^Step 3/)]).toContain(`ACK ack=${ack!.ack} `);
  });

  it('TIME-WAIT lasts 2 × MSL = 60 s, and netstat shows it, then not', () => {
    const start = story[find(/TIME-WAIT\. It keeps/)]!.time;
    const end = story[find(/^TIME-WAIT of connection #1 is over/)]!.time;
    expect(end - start).toBe(60 * SECOND);
    const netstat = (at: number) =>
      result.output
        .filter((l) => l.node === 'laptop' && l.time === at * SECOND && l.stream === 'out')
        .map((l) => l.text);
    expect(netstat(3).filter((l) => l.includes('TIME_WAIT'))).toHaveLength(6);
    expect(netstat(65).filter((l) => l.startsWith('tcp'))).toEqual([]);
  });

  it('every line comes in Korean too', () => {
    expect(story.length).toBeGreaterThan(30);
    for (const s of story) expect(s.ko).toMatch(/[가-힣]/);
  });

  it('the page loads in well under a second over six connections', () => {
    const done = text[find(/^The page is loaded/)]!;
    expect(done).toMatch(/over 6 TCP connections, (\d+(\.\d+)?) ms after you pressed Enter/);
    const ms = Number(/, ([\d.]+) ms after/.exec(done)![1]);
    expect(ms).toBeGreaterThan(200);
    expect(ms).toBeLessThan(600);
  });
});
