/**
 * The simulator's key log decrypts its own captures in real Wireshark: an HTTPS fetch over
 * simulated TCP is captured on the browser's link (pcap), the NSS key log of the same run
 * is written beside it, and `tshark -o tls.keylog_file:...` shows the HTTP request and
 * response inside the TLS records — for TLS 1.3, TLS 1.2 ECDHE and TLS 1.2 RSA key exchange.
 * tshark also finds nothing malformed in the capture.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textResponse } from '../../src/application/http/router.ts';
import { buildHttpsPair } from '../../src/application/tls/https-pair.ts';
import type { CipherSuiteName } from '../../src/application/tls/cipher-suites.ts';
import { KeyLogCollector } from '../../src/application/tls/key-log.ts';
import { SECOND } from '../../src/sim/time.ts';
import { pcapBytes } from '../../src/tools/capture/pcap-writer.ts';
import {
  hasTshark,
  TSHARK_CHECKSUM_PREFS,
  tsharkExpertProblems,
  tsharkFields,
  warnIfNoTshark,
  writeTempPcap,
} from './tshark-helpers.ts';

warnIfNoTshark('the TLS key log decryption test');

async function capture(
  versions: readonly ('1.2' | '1.3')[],
  suites: readonly CipherSuiteName[] | undefined,
  keyType: 'ec' | 'rsa',
) {
  const p = buildHttpsPair({
    handler: (req) => textResponse(200, `secret page for ${req.path}`),
    keyType,
    browserTls: { versions, ...(suites ? { suites } : {}) },
  });
  const frames: { timeNs: number; frame: Uint8Array }[] = [];
  const keylog = new KeyLogCollector(p.sim.trace);
  p.sim.trace.on('link.tx', (e) => {
    if (e.node === 'browser') frames.push({ timeNs: e.time, frame: e.frame.slice() });
  });
  p.sim.trace.on('link.rx', (e) => {
    if (e.node === 'browser') frames.push({ timeNs: e.time, frame: e.frame.slice() });
  });
  let status = 0;
  void p.browser.http.fetch(p.url('/account')).then((r) => {
    status = r.status;
    p.browser.http.close();
  });
  await p.sim.run(30 * SECOND);
  expect(status).toBe(200);
  const pcap = writeTempPcap(pcapBytes(frames), 'https.pcap');
  const keys = join(pcap, '..', 'keylog.txt');
  writeFileSync(keys, keylog.text());
  return { pcap, keys, lines: keylog.text().trim().split('\n') };
}

describe.skipIf(!hasTshark())('tshark decrypts a simulated HTTPS capture with the key log', () => {
  const cases: [string, readonly ('1.2' | '1.3')[], CipherSuiteName[] | undefined, 'ec' | 'rsa', string][] = [
    ['TLS 1.3', ['1.3'], undefined, 'ec', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'],
    ['TLS 1.2 ECDHE', ['1.2'], ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'], 'ec', 'CLIENT_RANDOM'],
    ['TLS 1.2 RSA key exchange', ['1.2'], ['TLS_RSA_WITH_AES_256_GCM_SHA384'], 'rsa', 'CLIENT_RANDOM'],
  ];
  for (const [name, versions, suites, keyType, label] of cases) {
    it(name, async () => {
      const { pcap, keys, lines } = await capture(versions, suites, keyType);
      expect(lines.some((l) => l.startsWith(`${label} `))).toBe(true);
      const prefs = ['-o', `tls.keylog_file:${keys}`];
      // Without the key log, no HTTP is visible; with it, the request and the response are.
      expect(tsharkFields(pcap, ['http.request.uri'], 'http')).toEqual([]);
      const decrypted = tsharkFieldsWith(
        pcap,
        prefs,
        ['http.request.method', 'http.request.uri', 'http.response.code', 'http.file_data'],
        'http',
      );
      expect(decrypted.map((r) => r.slice(0, 3))).toEqual([
        ['GET', '/account', ''],
        ['', '', '200'],
      ]);
      expect(decrypted[1]![3]).toContain('secret page for /account');
      expect(tsharkExpertProblems(pcap)).toEqual([]);
    });
  }
});

/** tsharkFields with extra -o preferences (the key log). */
function tsharkFieldsWith(
  pcap: string,
  prefs: readonly string[],
  fields: readonly string[],
  filter: string,
): string[][] {
  const args = [
    '-n',
    ...TSHARK_CHECKSUM_PREFS,
    ...prefs,
    '-r',
    pcap,
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-Y',
    filter,
  ];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}
