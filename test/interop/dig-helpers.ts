/**
 * What the interop tests against BIND's tools (dig, nslookup, host) share: netlab's
 * real-mode DNS server serving a zone given as text, and dig's output with the fields
 * that differ run to run masked.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DnsServerHandle, serveDns } from '../../src/real/dns-server.ts';

/** `netlab serve dns` on 127.0.0.1 (an ephemeral port) with the zone file `zone`. */
export function serveZone(zone: string, dirPrefix: string): Promise<DnsServerHandle> {
  const file = join(mkdtempSync(join(tmpdir(), dirPrefix)), 'example.com.zone');
  writeFileSync(file, zone);
  return serveDns({ port: 0, zoneFiles: [file] });
}

/** dig's lines with the query ID, the query time, WHEN and the version in the banner masked. */
export function maskDigRunFields(lines: readonly string[]): string[] {
  return lines.map((l) =>
    l
      .replace(/^; <<>> DiG \S+ <<>>/, '; <<>> DiG X <<>>')
      .replace(/, id: \d+$/, ', id: X')
      .replace(/^;; Query time: \d+ msec$/, ';; Query time: X msec')
      .replace(/^;; WHEN: .*$/, ';; WHEN: X'),
  );
}
