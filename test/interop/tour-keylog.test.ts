/**
 * The HTTPS tour's capture decrypts in real tshark with the key log `netlab tour` writes
 * beside it: without tour.keylog no HTTP is visible in tour.pcap; with it, tshark finds
 * the browser's eight requests (the page, its stylesheet, script and images) and their
 * 200 responses inside the TLS records — and nothing malformed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTour } from '../../src/cli/tour.ts';
import {
  hasTshark,
  TSHARK_CHECKSUM_PREFS,
  tsharkExpertProblems,
  tsharkFields,
  warnIfNoTshark,
} from './tshark-helpers.ts';

warnIfNoTshark('the tour key log decryption test');

describe.skipIf(!hasTshark())('tshark decrypts the tour with tour.keylog', () => {
  it('finds every HTTP request and response inside the TLS records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-tour-'));
    const pcap = join(dir, 'tour.pcap');
    const printed: string[] = [];
    const code = await runTour(['--pcap', pcap, '--no-web'], { out: (l) => printed.push(l), err: () => {} });
    expect(code).toBe(0);
    const keylog = join(dir, 'tour.keylog');
    expect(printed.at(-1)).toContain(`wrote ${keylog}`);
    expect(tsharkFields(pcap, ['http.request.uri'], 'http')).toEqual([]);
    const out = execFileSync(
      'tshark',
      [
        '-n',
        ...TSHARK_CHECKSUM_PREFS,
        '-o',
        `tls.keylog_file:${keylog}`,
        '-r',
        pcap,
        '-T',
        'fields',
        '-E',
        'separator=/t',
        '-e',
        'http.request.uri',
        '-e',
        'http.response.code',
        '-Y',
        'http',
      ],
      { encoding: 'utf8' },
    );
    const rows = out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t'));
    expect(
      rows
        .map((r) => r[0])
        .filter((u) => u !== '')
        .sort(),
    ).toEqual([
      '/',
      '/app.js',
      '/img/background.png',
      '/img/logo.png',
      '/img/photo1.jpg',
      '/img/photo2.jpg',
      '/img/photo3.jpg',
      '/style.css',
    ]);
    expect(rows.filter((r) => r[1] === '200')).toHaveLength(8);
    expect(tsharkExpertProblems(pcap)).toEqual([]);
  });
});
