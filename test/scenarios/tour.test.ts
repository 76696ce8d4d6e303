/**
 * The tour (examples/tour.yaml, HTTPS, with its narrator) and the plain-HTTP tour
 * (examples/tour-http.yaml): every step the description promises happens, in order, and
 * what the narrator says matches what was on the wire.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyLogCollector } from '../../src/application/tls/key-log.ts';
import { concatBytes } from '../../src/bytes/concat.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import { type Narration, TourNarrator } from '../../src/lab/tour/narrator.ts';
import { SECOND } from '../../src/sim/time.ts';
import { dissect } from '../../src/tools/dissect/index.ts';
import { decryptTlsConnection } from '../../src/tools/dissect/tls-decrypt/decrypt.ts';
import { exampleSpec } from './run-example.ts';

/**
 * Runs an example with the narrator on the laptop (`watch` subscribes to the trace first):
 * what it said, in English, and `find` for the first line matching a pattern.
 */
async function narrate(example: string, watch: (run: ScenarioRun) => void) {
  const run = new ScenarioRun(exampleSpec(example));
  const story: Narration[] = [];
  const narrator = new TourNarrator(run.sim, run.network, 'laptop', (n) => story.push(n));
  watch(run);
  const result = await run.run();
  narrator.stop();
  const text = story.map((s) => s.en);
  const find = (re: RegExp) => {
    const i = text.findIndex((t) => re.test(t));
    if (i < 0) throw new Error(`no narration matching ${re}`);
    return i;
  };
  return { result, story, text, find };
}

describe('the plain-HTTP tour', async () => {
  const syns: { seq: number; ack: number; flags: number; dir: string }[] = [];
  const { result, story, text, find } = await narrate('tour-http', (run) => {
    run.sim.trace.on('link.tx', (e) => {
      if (e.node !== 'laptop' && !(e.node === 'home-router' && e.iface === 'eth0')) return;
      const tcp = dissect(e.frame).layers[2]?.decoded;
      if (tcp?.kind === 'tcp' && syns.length < 3)
        syns.push({ seq: tcp.seq, ack: tcp.ack, flags: tcp.flags, dir: e.node });
    });
  });

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

describe('the tour (HTTPS)', async () => {
  const hellos: { type: string; random?: string; length: number }[] = [];
  const chains: string[][] = [];
  let rst = 0;
  /** The laptop's TCP segments once the page is loaded, and its TCP states after the handshakes. */
  const closing: { dir: 'out' | 'in'; port: number; flags: number; len: number }[] = [];
  const states: string[] = [];
  /** The laptop's frames of its first TCP connection, as tcpdump on it would capture them. */
  const first: Uint8Array[] = [];
  let firstPort: number | undefined;
  let keyLog: KeyLogCollector | undefined;
  const { result, story, text, find } = await narrate('tour', (run) => {
    let loaded = false;
    run.sim.trace.on('browser.done', (e) => {
      if (e.node === 'laptop') loaded = true;
    });
    const segment = (e: { node: string; frame: Uint8Array }, dir: 'out' | 'in') => {
      if (e.node !== 'laptop') return;
      const tcp = dissect(e.frame).layers[2]?.decoded;
      if (tcp?.kind !== 'tcp') return;
      if (dir === 'out' && (tcp.flags & 0x04) !== 0) rst++;
      const port = dir === 'out' ? tcp.sourcePort : tcp.destinationPort;
      firstPort ??= port;
      if (port === firstPort) first.push(e.frame.slice());
      if (loaded) closing.push({ dir, port, flags: tcp.flags, len: tcp.payloadLength });
    };
    run.sim.trace.on('link.tx', (e) => segment(e, 'out'));
    run.sim.trace.on('link.rx', (e) => segment(e, 'in'));
    run.sim.trace.on('tcp.state', (e) => {
      if (e.node === 'laptop' && e.to !== 'SYN-SENT' && e.to !== 'ESTABLISHED')
        states.push(`${e.local.port} ${e.from}->${e.to}`);
    });
    run.sim.trace.on('tls.handshake', (e) => {
      if (e.node !== 'laptop' || hellos.length >= 2) return;
      if (e.details.type === 'ClientHello' || e.details.type === 'ServerHello')
        hellos.push({ type: e.details.type, random: e.details.random, length: e.length });
    });
    run.sim.trace.on('tls.established', (e) => {
      if (e.node === 'laptop') chains.push([...e.peerChain]);
    });
    keyLog = new KeyLogCollector(run.sim.trace);
  });

  it('names the SHA-256 fingerprint of the leaf certificate the server sent, as openssl x509 -fingerprint prints it', () => {
    // The Certificate message, decrypted from the capture with the run's key log (RFC 8446
    // §4.4.2: context, a 3-byte list length, then each entry's 3-byte length and DER).
    const tls = decryptTlsConnection(first, keyLog!.text());
    const plain = concatBytes(
      tls.records
        .filter((r) => r.direction === 'server' && r.content?.type === 22)
        .map((r) => r.content!.bytes),
    );
    let at = 0;
    while (plain[at] !== 11) at += 4 + ((plain[at + 1]! << 16) | (plain[at + 2]! << 8) | plain[at + 3]!);
    const entry = at + 4 + 1 + plain[at + 4]! + 3;
    const der = plain.subarray(
      entry + 3,
      entry + 3 + ((plain[entry]! << 16) | (plain[entry + 1]! << 8) | plain[entry + 2]!),
    );
    const sha = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!;
    const line = text[find(/^Certificate \(encrypted/)]!;
    expect(/SHA-256 fingerprint \(([0-9A-F:]+)…\)/.exec(line)![1]).toBe(sha.slice(0, 8).join(':'));
  });

  it('tells the story in order: URL, DNS, TCP, each TLS handshake message and the certificate check, HTTP, page, close', () => {
    const order = [
      /^You type https:\/\/www\.example\.com\/ into the browser/,
      /^The URL, taken apart: scheme https \(port 443 by default\)/,
      /^DNS done: www\.example\.com is 203\.0\.113\.80/,
      /^TCP connection #1 to www \(203\.0\.113\.80\):443, step 1/,
      /^Step 3: laptop sends ACK/,
      /^HTTPS: before any HTTP, TLS secures the TCP connection\. ClientHello \(\d+ bytes, in the clear\): versions TLS 1\.3, TLS 1\.2; .* a key share for x25519 .* SNI www\.example\.com .* ALPN http\/1\.1/,
      /^ServerHello \(one round trip, .*\): the server picks TLS 1\.3 and TLS_AES_128_GCM_SHA256, .* x25519 share/,
      /^EncryptedExtensions \(encrypted\): .* ALPN http\/1\.1/,
      /^Certificate \(encrypted, \d+ bytes\): the server's chain — www\.example\.com \(issued by Netlab TLS Issuing CA 1\); Netlab TLS Issuing CA 1 \(issued by Netlab Root CA\)/,
      /^The browser checks the certificate: the chain ends at Netlab Root CA, a root in its trust store \(netlab-browser\); 2 signatures verify, .* valid at the browser's clock \(2025-01-01T00:00:01\.\d+Z; .* www\.example\.com matches DNS:www\.example\.com\.$/,
      /^CertificateVerify: the server signs the handshake so far .* \(ecdsa_secp256r1_sha256, \d+ bytes\)/,
      /^Finished from the server/,
      /^The browser sends its own Finished\. The handshake is done/,
      /^HTTP: the browser sends its request .* "GET \/ HTTP\/1\.1" .* inside an encrypted TLS record/,
      /^The response: 200 for \/, text\/html/,
      /^TLS on another connection to www \(203\.0\.113\.80\): TLS 1\.3/,
      /^The page is loaded: 8 resources \(0 failed\)/,
      /^laptop is done with connection #1 and closes it: a TLS close_notify alert \("no more data from me", an encrypted record of 24 bytes\), then FIN: FIN-WAIT-1/,
      /^www reads the close_notify and closes its side at once: its own close_notify, then FIN \(FIN-WAIT-1\)\. .* the two FINs cross\./,
      /^www gets the other side's FIN while its own is not yet acknowledged: CLOSING/,
      /^The server's close_notify reaches laptop \(an encrypted record of 24 bytes\): the answer the browser's TLS was waiting for/,
      /^The server's FIN arrives while laptop's own FIN is still unacknowledged: laptop is in CLOSING too/,
      /^The ACK of laptop's FIN comes back \(step 2, late because the FINs crossed\): TIME-WAIT\./,
      /^Connection #2 closes the same way: close_notify and FIN from each side, the FINs crossing \(CLOSING\), then TIME-WAIT\./,
      /^www gets the ACK of its FIN too: TIME-WAIT on www as well/,
      /^TIME-WAIT of connection #1 is over on laptop \(60 s later\)/,
      /^The TIME-WAIT of the other 5 connections is over too\./,
      /^TIME-WAIT of connection #1 is over on www \(60 s later\)/,
    ].map(find);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text.filter((t) => t.startsWith('TLS on another connection'))).toHaveLength(5);
  });

  it('what it says of the hellos and the chain is what went over the wire', () => {
    const [client, server] = hellos;
    expect(text[find(/^HTTPS: before any HTTP/)]).toContain(`ClientHello (${client!.length} bytes`);
    expect(text[find(/^HTTPS: before any HTTP/)]).toContain(`random ${client!.random!.slice(0, 16)}…`);
    expect(text[find(/^ServerHello/)]).toContain(`random ${server!.random!.slice(0, 16)}…`);
    expect(chains).toHaveLength(6);
    expect(chains[0]).toEqual([
      'CN = www.example.com',
      'C = KR, O = Netlab Trust Services, CN = Netlab TLS Issuing CA 1',
    ]);
  });

  it('the close over TLS, on the wire: close_notify then FIN each way, the FINs cross, no RST', () => {
    expect(rst).toBe(0);
    const first = closing[0]!.port; // connection #1 closes first
    const one = closing
      .filter((s) => s.port === first)
      .map((s) => `${s.dir} ${s.len > 0 ? `data ${s.len}` : (s.flags & 0x01) !== 0 ? 'FIN' : 'ACK'}`);
    expect(one).toEqual([
      'out data 24', // the laptop's close_notify
      'out FIN',
      'in data 24', // the server's close_notify
      'in FIN', // sent before the laptop's FIN reached the server: the FINs cross
      'out ACK', // of the server's FIN
      'in ACK', // of the laptop's FIN
    ]);
  });

  it('on the laptop every connection goes FIN-WAIT-1, CLOSING, TIME-WAIT; netstat shows the six at 3 s, none at 65 s', () => {
    const ports = [...new Set(states.map((s) => s.split(' ')[0]))];
    expect(ports).toHaveLength(6);
    for (const p of ports) {
      expect(states.filter((s) => s.startsWith(`${p} `))).toEqual([
        `${p} ESTABLISHED->FIN-WAIT-1`,
        `${p} FIN-WAIT-1->CLOSING`,
        `${p} CLOSING->TIME-WAIT`,
        `${p} TIME-WAIT->CLOSED`,
      ]);
    }
    const netstat = (at: number) =>
      result.output
        .filter((l) => l.node === 'laptop' && l.time === at * SECOND && l.stream === 'out')
        .map((l) => l.text)
        .filter((l) => l.startsWith('tcp'));
    expect(netstat(3)).toHaveLength(6);
    for (const l of netstat(3)) expect(l).toMatch(/ 192\.168\.1\.10:\d+ +203\.0\.113\.80:443 +TIME_WAIT/);
    expect(netstat(65)).toEqual([]);
  });

  it('TIME-WAIT lasts 2 × MSL = 60 s, on both sides', () => {
    const start = story[find(/^The ACK of laptop's FIN comes back/)]!.time;
    const end = story[find(/^TIME-WAIT of connection #1 is over on laptop/)]!.time;
    expect(end - start).toBe(60 * SECOND);
    const serverStart = story[find(/^www gets the ACK of its FIN too/)]!.time;
    const serverEnd = story[find(/^TIME-WAIT of connection #1 is over on www/)]!.time;
    expect(serverEnd - serverStart).toBe(60 * SECOND);
  });

  it('every line comes in Korean too', () => {
    for (const s of story) expect(s.ko).toMatch(/[가-힣]/);
  });

  it('the page loads over six connections, each paying one more round trip for TLS', () => {
    const done = text[find(/^The page is loaded/)]!;
    const ms = Number(/, ([\d.]+) ms after/.exec(done)![1]);
    expect(done).toContain('over 6 TCP connections');
    expect(ms).toBeGreaterThan(300);
    expect(ms).toBeLessThan(700);
  });
});
