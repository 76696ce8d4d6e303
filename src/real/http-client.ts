/**
 * `netlab curl [-v] URL`: the project's HTTP/1.x client over real sockets, printing what
 * curl 7.88.1 prints. The transfers themselves are src/tools/commands/curl-transfers.ts
 * (the same code the simulator's `curl` command runs); this file gives them the host's
 * DNS resolver, real TCP connections and the host's clock.
 *
 * Options follow curl's: -v, -i, -I (HEAD), -X, -H, -d, -A, --http1.0, -m (max time),
 * -s / -S. The progress meter is not reproduced (curl hides it on a terminal and with -s).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type CurlOptions, type CurlRunResult, runCurl } from '../tools/commands/curl-transfers.ts';
import { connectNet } from './net-stream.ts';
import { realClock } from './real-clock.ts';

export type RealCurlOptions = CurlOptions;
export type RealCurlResult = CurlRunResult;

/** The addresses curl would try for a host, in order (IPv4 first, as getaddrinfo gives them here). */
async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    const all = await lookup(host, { all: true });
    return [...all.filter((a) => a.family === 4), ...all.filter((a) => a.family === 6)].map((a) => a.address);
  } catch {
    return [];
  }
}

export function realCurl(options: RealCurlOptions): Promise<RealCurlResult> {
  return runCurl(options, {
    clock: realClock,
    resolve: addressesOf,
    connect: async (address, port) => {
      const s = await connectNet(address, port);
      // curl sets TCP_NODELAY on every connection.
      s.socket.setNoDelay(true);
      return s;
    },
  });
}
