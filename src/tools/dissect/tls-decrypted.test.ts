import { describe, expect, it } from 'vitest';
import { dissectDecrypted } from './tls-decrypted.ts';
import { decryptTlsConnection } from './tls-decrypt/decrypt.ts';
import { exchange, frameOf, keyLogOf, REQUEST, segmentsOf } from './tls-decrypt/test-connection.ts';
import type { Dissection, Field } from './types.ts';
import { makePair, pump } from '../../application/tls/test-helpers.ts';

const p = exchange({ alpn: ['http/1.1'] }, { alpn: ['http/1.1'] });
const frames = segmentsOf(p.wire).map(frameOf);
const d = decryptTlsConnection(frames, keyLogOf(p));
const at = (i: number): Dissection =>
  dissectDecrypted(
    frames[i]!,
    d.records.filter((r) => r.frame === i),
    d,
  );

function lines(fields: readonly Field[], depth = 0): string[] {
  return fields.flatMap((f) => [
    `${'  '.repeat(depth)}${f.name}: ${f.value}`,
    ...lines(f.children ?? [], depth + 1),
  ]);
}

describe('dissectDecrypted', () => {
  it('shows the GET under TLS: Ethernet > IPv4 > TCP > TLS > TLS (decrypted) > HTTP', () => {
    const x = at(5);
    expect(x.layers.map((l) => `${l.protocol}${l.source === undefined ? '' : `@${l.source}`}`)).toEqual([
      'ETH',
      'IPv4',
      'TCP',
      'TLS',
      'TLS@0',
      'HTTP@0',
    ]);
    expect([x.protocol, x.info]).toEqual(['HTTP', 'GET / HTTP/1.1']);
    expect(x.sources).toEqual([
      { name: `Decrypted TLS (${REQUEST.length} bytes)`, bytes: new TextEncoder().encode(REQUEST) },
    ]);
    const http = x.layers[5]!;
    const host = lines(http.fields).find((l) => l.includes('Host'));
    expect(host).toBe('Host: server.test');
    const hostField = http.fields.find((f) => f.name === 'Host')!;
    // The field's bytes are in the decrypted source, not the frame.
    expect(
      new TextDecoder().decode(
        x.sources![0]!.bytes.subarray(hostField.offset, hostField.offset + hostField.length),
      ),
    ).toMatch(/^Host: server\.test/);
    expect(lines(x.layers[4]!.fields)).toEqual([
      'TLSv1.3 Record Layer: Application Data Protocol: Application Data',
      '  [Record completes in this frame]: 54 bytes from client stream byte 265',
      '  [Keys]: client application traffic keys (generation 0)',
      '  [Sequence Number]: 0',
      '  Content Type: Application Data (23)',
      `  Application Data: ${REQUEST.length} bytes (http)`,
    ]);
  });

  it("names the server's hidden handshake messages, with the chain's subjects", () => {
    const x = at(3);
    expect([x.protocol, x.info]).toEqual([
      'TLS',
      'Server Hello, Encrypted Extensions, Certificate, Certificate Verify, Finished',
    ]);
    const tree = lines(x.layers.at(-1)!.fields);
    expect(tree.filter((l) => /^ {2}Handshake Protocol|Certificate: |ALPN Next Protocol/.test(l))).toEqual([
      '  Handshake Protocol: Encrypted Extensions',
      expect.stringMatching(/ALPN Next Protocol: http\/1\.1/),
      '  Handshake Protocol: Certificate',
      expect.stringMatching(/^ {6}Certificate: \d+ bytes \(subject CN=server\.test\)$/),
      expect.stringMatching(/^ {6}Certificate: \d+ bytes \(subject CN=Netlab TLS Issuing CA 1\)$/),
      '  Handshake Protocol: Certificate Verify',
      '  Handshake Protocol: Finished',
    ]);
    expect(x.layers.at(-1)!.problem).toBeUndefined();
  });

  it('shows close_notify, and a record that did not open as such', () => {
    expect(at(7).info).toBe('Alert (Level: Warning, Description: Close Notify)');
    const bad = decryptTlsConnection(frames, []);
    const y = dissectDecrypted(
      frames[5]!,
      bad.records.filter((r) => r.frame === 5),
      bad,
    );
    expect([y.protocol, y.info]).toEqual(['TLS', 'Application Data']);
    expect(y.layers.at(-1)!.problem).toMatch(
      /^no key: the key log has no CLIENT_HANDSHAKE_TRAFFIC_SECRET line/,
    );
  });

  it('reads application data as HTTP/2 when ALPN chose h2', () => {
    const q = makePair({ alpn: ['h2'] }, { alpn: ['h2'] });
    q.client.start();
    pump(q);
    // The client connection preface and an empty SETTINGS frame (RFC 9113 §3.4).
    const preface = new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    q.client.write(Uint8Array.from([...preface, 0, 0, 0, 4, 0, 0, 0, 0, 0]));
    pump(q);
    const f = segmentsOf(q.wire).map(frameOf);
    const dq = decryptTlsConnection(f, keyLogOf(q));
    expect(dq.alpn).toBe('h2');
    const last = f.length - 1;
    const x = dissectDecrypted(
      f[last]!,
      dq.records.filter((r) => r.frame === last),
      dq,
    );
    expect(x.layers.map((l) => l.protocol).slice(3)).toEqual(['TLS', 'TLS', 'HTTP2']);
    expect([x.protocol, x.info]).toEqual(['HTTP2', 'Magic, SETTINGS[0]']);
  });

  it('leaves a frame without protected records as the wire has it', () => {
    expect(at(2).layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'TCP', 'TLS']);
    expect(at(2).sources).toBeUndefined();
  });
});
