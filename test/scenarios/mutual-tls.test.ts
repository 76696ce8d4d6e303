/**
 * examples/mutual-tls.yaml: each claim of its description, checked from the run — the
 * CertificateRequest naming one CA, alice's Certificate and CertificateVerify in TLS 1.3
 * (after the server's Finished) and TLS 1.2 (around ClientKeyExchange), the page with the
 * identity the server saw, bob's certificate_required (1.3, curl 56) and handshake_failure
 * (1.2, curl 35), mallory's unknown_ca, and curl's exit 58 for a certificate bob does not
 * hold; the browser with alice's certificate and bob's without (ERR_BAD_SSL_CLIENT_AUTH_CERT);
 * then tshark, with the run's key log, finds a Certificate (type 11) going each way
 * in the TLS 1.3 handshake.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEventOf } from '../../src/sim/trace.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { hasTshark, tsharkFields, warnIfNoTshark, writeTempPcap } from '../interop/tshark-helpers.ts';
import { runExample } from './run-example.ts';
import '../../src/application/tls/trace-events.ts';

warnIfNoTshark('the tshark half of test/scenarios/mutual-tls.test.ts');

describe('mutual-tls: a server that asks the client who it is', async () => {
  const chunks: Uint8Array[] = [];
  const keylog = new Set<string>();
  const r = await runExample('mutual-tls', { trace: ['tls.handshake', 'tls.alert'] });
  // The capture and key log come from a second run of the same seed (identical bytes).
  {
    const again = await import('../../src/lab/run/scenario-run.ts');
    const run = new again.ScenarioRun(r.spec);
    const pcap = new PcapWriter((c) => chunks.push(c));
    const at = (e: TraceEventOf<'link.tx'> | TraceEventOf<'link.rx'>) => {
      if (e.node === 'intranet') pcap.write(e.time, e.frame);
    };
    run.sim.trace.on('link.tx', at);
    run.sim.trace.on('link.rx', at);
    run.sim.trace.on('tls.keylog', (e) => keylog.add(e.line));
    await run.run();
  }
  const lines = (node: string, prefix: string, nth = 0) => r.linesOf(node, prefix, nth).map((l) => l.text);
  const status = (node: string, prefix: string) =>
    r.result.steps.find((s) => s.step.node === node && s.step.run.startsWith(prefix))?.status;
  /** The handshake messages the server received or sent, by TLS connection (client port). */
  const flights = (client: string, direction: 'sent' | 'received') =>
    r.events
      .filter((e): e is TraceEventOf<'tls.handshake'> => e.type === 'tls.handshake')
      .filter((e) => e.node === 'intranet' && e.direction === direction && e.peer.startsWith(client))
      .map((e) => e.details.type);
  const fatal = (node: string, direction: 'sent' | 'received') =>
    r.events
      .filter((e): e is TraceEventOf<'tls.alert'> => e.type === 'tls.alert')
      .filter((e) => e.node === node && e.direction === direction && e.level === 'fatal')
      .map((e) => e.alert);
  const ALICE = '10.0.0.10:';

  it('alice, TLS 1.3: CertificateRequest naming one CA; Certificate, CertificateVerify and Finished back; the page names her', () => {
    const hello = r.events.find(
      (e): e is TraceEventOf<'tls.handshake'> =>
        e.type === 'tls.handshake' && e.node === 'intranet' && e.details.type === 'CertificateRequest',
    )!;
    expect(hello.details).toMatchObject({ type: 'CertificateRequest', authorities: 1 });
    expect(status('alice', 'curl -v --cert alice')).toBe(0);
    const out = lines('alice', 'curl -v --cert alice');
    expect(out).toContain('<h1>intranet: members only</h1>');
    expect(out).toContain('< x-client-verify: SUCCESS');
    expect(out).toContain('< x-client-dn: CN=alice');
    const received = r.events
      .filter((e): e is TraceEventOf<'tls.handshake'> => e.type === 'tls.handshake')
      .filter((e) => e.node === 'intranet' && e.direction === 'received' && e.peer.startsWith(ALICE));
    // First connection (TLS 1.3): her three messages after the ClientHello, each encrypted
    // (curl's middlebox-compatibility ChangeCipherSpec before them, RFC 8446 Appendix D.4).
    expect(received.slice(0, 5).map((e) => [e.details.type, e.encrypted])).toEqual([
      ['ClientHello', false],
      ['ChangeCipherSpec', false],
      ['Certificate', true],
      ['CertificateVerify', true],
      ['Finished', true],
    ]);
    const cert = received[2]!.details;
    expect(cert.type === 'Certificate' && cert.chain.map((c) => c.subject)).toEqual([
      'CN = alice',
      'C = KR, O = Netlab Trust Services, CN = Netlab TLS Issuing CA 1',
    ]);
  });

  it('alice, TLS 1.2: CertificateRequest before ServerHelloDone; Certificate before ClientKeyExchange, CertificateVerify after', () => {
    expect(status('alice', 'curl -v --tls-max 1.2')).toBe(0);
    expect(lines('alice', 'curl -v --tls-max 1.2')).toContain('< X-Client-DN: CN=alice');
    // The second connection's flights (the third is her browser's).
    const second = (types: string[], first: string) => {
      const starts = types.flatMap((t, i) => (t === first ? [i] : []));
      return types.slice(starts[1], starts[2]);
    };
    const sent = flights(ALICE, 'sent');
    const received = flights(ALICE, 'received');
    expect(second(sent, 'ServerHello')).toEqual([
      'ServerHello',
      'Certificate',
      'ServerKeyExchange',
      'CertificateRequest',
      'ServerHelloDone',
      'ChangeCipherSpec',
      'Finished',
    ]);
    expect(second(received, 'ClientHello')).toEqual([
      'ClientHello',
      'Certificate',
      'ClientKeyExchange',
      'CertificateVerify',
      'ChangeCipherSpec',
      'Finished',
    ]);
  });

  it('bob without a certificate: certificate_required after his request in TLS 1.3 (56), handshake_failure in TLS 1.2 (35)', () => {
    expect(status('bob', 'curl -v https://')).toBe(56);
    const v13 = lines('bob', 'curl -v https://');
    expect(v13).toContain('* TLSv1.3 (OUT), TLS handshake, Certificate (11):');
    expect(v13).not.toContain('* TLSv1.3 (OUT), TLS handshake, CERT verify (15):');
    expect(v13.slice(-2)).toEqual([
      '* Closing connection 0',
      'curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0',
    ]);
    expect(v13.some((l) => l.includes('members only'))).toBe(false);
    expect(status('bob', 'curl -v --tls-max 1.2')).toBe(35);
    expect(lines('bob', 'curl -v --tls-max 1.2').at(-1)).toBe(
      'curl: (35) OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
    );
    expect(fatal('bob', 'received')).toEqual([
      'certificate_required',
      'handshake_failure',
      'certificate_required',
    ]);
  });

  it('mallory, a certificate from the wrong CA: unknown_ca (56)', () => {
    expect(status('mallory', 'curl -v --cert mallory')).toBe(56);
    expect(lines('mallory', 'curl -v --cert mallory').at(-1)).toBe(
      'curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca, errno 0',
    );
    expect(fatal('intranet', 'sent')).toEqual([
      'certificate_required',
      'handshake_failure',
      'unknown_ca',
      'certificate_required', // bob's browser
    ]);
  });

  it('bob with --cert alice: no such certificate on bob, curl stops before any handshake (58)', () => {
    expect(status('bob', 'curl --cert alice')).toBe(58);
    expect(lines('bob', 'curl --cert alice')).toEqual([
      'curl: (58) could not load PEM client certificate from alice, OpenSSL error error:80000002:system library::No such file or directory, (no key found, wrong pass phrase, or wrong file format?)',
    ]);
    // Five curl handshakes and two browser ones reached the server, not eight.
    expect(flights('10.0.0.', 'received').filter((t) => t === 'ClientHello')).toHaveLength(7);
  });

  it("the browser: alice's certificate when the site asks, the page loads; bob has none, ERR_BAD_SSL_CLIENT_AUTH_CERT", () => {
    expect(status('alice', 'browser --cert alice')).toBe(0);
    const alice = lines('alice', 'browser --cert alice');
    expect(alice).toContain(
      '  client certificate alice (CN=alice, issued by CN=Netlab TLS Issuing CA 1,O=Netlab Trust Services,C=KR), for a site that asks',
    );
    expect(
      alice
        .find((l) => l.startsWith('1  '))
        ?.split(/\s+/)
        .slice(1, 3),
    ).toEqual(['https://intranet/', '200']);
    // Her browser's connection: Certificate, CertificateVerify, Finished, as with curl
    // (and Chromium's middlebox-compatibility ChangeCipherSpec before them).
    const received = flights(ALICE, 'received');
    expect(received.slice(received.lastIndexOf('ClientHello'))).toEqual([
      'ClientHello',
      'ChangeCipherSpec',
      'Certificate',
      'CertificateVerify',
      'Finished',
    ]);
    expect(status('bob', 'browser https://')).toBe(1);
    expect(lines('bob', 'browser https://').slice(-4)).toEqual([
      "browser: https://intranet/: This site can't provide a secure connection",
      "  intranet didn't accept your login certificate, or one may not have been provided.",
      '  ERR_BAD_SSL_CLIENT_AUTH_CERT',
      '  the server sent certificate_required; the browser gave no certificate',
    ]);
  });

  it.skipIf(!hasTshark())(
    'tshark, with the key log, sees a Certificate go each way in the TLS 1.3 handshake',
    () => {
      const pcap = writeTempPcap(new Uint8Array(chunks.flatMap((c) => [...c])), 'mutual-tls.pcap');
      const keys = join(dirname(pcap), 'mutual-tls.keylog');
      writeFileSync(keys, `${[...keylog].join('\n')}\n`);
      const rows = tsharkFields(
        pcap,
        ['tcp.stream', 'ip.src', 'tls.handshake.type'],
        'tls.handshake.type == 11',
        ['-o', `tls.keylog_file:${keys}`],
      );
      // Stream 0 is alice's TLS 1.3 connection: the server's encrypted flight
      // (EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished;
      // its ServerHello and ChangeCipherSpec went in the segment before), then hers
      // (Certificate, CertificateVerify, Finished), decrypted.
      const first = rows.filter((x) => x[0] === '0').map((x) => [x[1], x[2]]);
      expect(first).toEqual([
        ['10.0.0.80', '8,13,11,15,20'],
        ['10.0.0.10', '11,15,20'],
      ]);
      // Without the keys TLS 1.3 hides both; TLS 1.2's (stream 1) are in the clear.
      const clear = tsharkFields(pcap, ['tcp.stream', 'ip.src'], 'tls.handshake.type == 11');
      expect(clear.filter((x) => x[0] === '0')).toEqual([]);
      expect(clear.filter((x) => x[0] === '1').map((x) => x[1])).toEqual(['10.0.0.80', '10.0.0.10']);
    },
  );
});
