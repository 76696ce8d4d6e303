/**
 * The lab's port names (src/tools/format/services.ts, what tcpdump and iptables -L print)
 * against this machine's /etc/services, which real tcpdump and iptables read: every name
 * the lab prints is the system's first name for that TCP port, and the ports the lab's
 * protocols use that the system leaves unnamed (iperf's 5001) stay unnamed in the lab.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/tools/format/services.ts';

const FILE = '/etc/services';
const present = existsSync(FILE);
if (!present)
  console.warn(`\n*** ${FILE} is missing (apt-get install netbase): the port-name check is SKIPPED ***\n`);

describe.skipIf(!present)('port names as /etc/services gives them', () => {
  const system = new Map<number, string>();
  if (present) {
    for (const line of readFileSync(FILE, 'utf8').split('\n')) {
      const m = /^([\w-]+)\s+(\d+)\/tcp\b/.exec(line);
      if (m && !system.has(Number(m[2]))) system.set(Number(m[2]), m[1]!);
    }
  }

  it('names each port as the system does', () => {
    for (const [port, name] of Object.entries(SERVICES))
      expect([port, name]).toEqual([port, system.get(Number(port))]);
  });

  it('leaves unnamed what the system leaves unnamed', () => {
    for (const port of [5001, 5201, 8443]) expect([port, SERVICES[port]]).toEqual([port, system.get(port)]);
  });
});
