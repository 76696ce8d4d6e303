/**
 * `netlab dig` and `netlab nslookup`: the project's stub resolver and exchange code
 * (src/application/dns) over real sockets — node:dgram for UDP, node:net (connectNet) for
 * TCP — printing what BIND's tools print (src/tools/format/dig.ts, nslookup.ts).
 *
 * Real-mode IDs come from a Random seeded by the OS's CSPRNG; UDP source ports are left
 * to the kernel (Linux randomizes ephemeral ports), since binding a chosen port can only
 * fail asynchronously with node:dgram.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { RecordType, typeNumber } from '../application/dns/dns-constants.ts';
import type { ExchangeResult } from '../application/dns/dns-exchange.ts';
import {
  DatagramQueue,
  type DnsDatagramSocket,
  type DnsIo,
  plainDeferred,
} from '../application/dns/dns-io.ts';
import { parseResolvConf } from '../application/dns/resolv-conf.ts';
import { StubResolver } from '../application/dns/stub-resolver.ts';
import { Random } from '../sim/random.ts';
import { digFailureLines, digLines, digShortLines } from '../tools/format/dig.ts';
import { nslookupLines } from '../tools/format/nslookup.ts';
import { connectNet } from './net-stream.ts';
import { realClock } from './real-clock.ts';

/** The DnsIo of this host. */
export function realDnsIo(): DnsIo {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
  const io: DnsIo = {
    node: 'localhost',
    clock: realClock,
    random: new Random(seed, 'real-dns'),
    deferred: plainDeferred,
    openUdp(): DnsDatagramSocket {
      const socket = dgram.createSocket('udp4');
      const queue = new DatagramQueue(io);
      socket.on('message', (msg, rinfo) =>
        queue.push({ data: new Uint8Array(msg), from: { address: rinfo.address, port: rinfo.port } }),
      );
      socket.on('error', () => queue.close());
      socket.bind(0);
      return {
        get localPort() {
          return socket.address().port;
        },
        send: (data, to) => socket.send(data, to.port, to.address),
        receive: (timeout) => queue.receive(timeout),
        close() {
          queue.close();
          try {
            socket.close();
          } catch {
            // already closed after an error
          }
        },
      };
    },
    connect: (address, port) => connectNet(address, port),
  };
  return io;
}

/** The first nameserver of /etc/resolv.conf (127.0.0.1 when there is none). */
export function systemNameserver(): string {
  try {
    return parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8')).nameservers[0]!;
  } catch {
    return '127.0.0.1';
  }
}

export interface RealDigOptions {
  /** Default: /etc/resolv.conf's first nameserver. */
  readonly server?: string;
  readonly port?: number;
  readonly name: string;
  /** `A`, `MX`, `TYPE99`... Default A. */
  readonly type?: string;
  readonly tcp?: boolean;
  readonly short?: boolean;
  /** Recursion desired (+norecurse clears it). Default true. */
  readonly recurse?: boolean;
  /** EDNS UDP size (dig's default 1232); 0 for +noedns. */
  readonly ednsSize?: number;
  /** Seconds per try (dig's +timeout, default 5). */
  readonly timeout?: number;
  /** Tries (dig's +tries, default 3). */
  readonly tries?: number;
  /** The arguments to echo in the header (default: rebuilt from the options). */
  readonly args?: readonly string[];
}

export interface ToolOutput {
  readonly lines: string[];
  /** The exit status the real tool would give. */
  readonly status: number;
}

/** Runs one dig query over real sockets. */
export async function realDig(options: RealDigOptions): Promise<ToolOutput & { result: ExchangeResult }> {
  const serverGiven = options.server !== undefined;
  const server = { address: options.server ?? systemNameserver(), port: options.port ?? 53 };
  const type = typeNumber(options.type ?? 'A');
  if (type === undefined) throw new Error(`unknown type ${options.type}`);
  const args = options.args ?? [
    ...(serverGiven ? [`@${server.address}`] : []),
    ...(options.port !== undefined ? ['-p', String(options.port)] : []),
    options.name,
    ...(options.type ? [options.type] : []),
    ...(options.tcp ? ['+tcp'] : []),
    ...(options.short ? ['+short'] : []),
  ];
  const stub = new StubResolver(realDnsIo());
  const result = await stub.query(options.name, type, {
    server,
    tcp: options.tcp ?? false,
    rd: options.recurse ?? true,
    ednsSize: options.ednsSize ?? 1232,
    timeout: options.timeout ?? 5,
    tries: options.tries ?? 3,
  });
  if (!result.ok) {
    const tries = options.tries ?? 3;
    return {
      lines: digFailureLines(args, server, new Array(tries).fill('timed out'), { serverGiven }),
      status: 9,
      result,
    };
  }
  if (options.short) return { lines: digShortLines(result.response), status: 0, result };
  return {
    lines: digLines({
      args,
      serverGiven,
      response: result.response,
      server: result.server,
      transport: result.transport,
      retriedOverTcp: result.retriedOverTcp,
      rttNs: result.rtt,
      whenMs: Date.now(),
      size: result.bytes.length,
    }),
    status: 0,
    result,
  };
}

/**
 * Reads dig's command line: `[@SERVER] [-p PORT] NAME [TYPE] [+tcp] [+short]
 * [+norecurse] [+noedns] [+timeout=N] [+tries=N]`.
 */
export function parseDigArgs(argv: readonly string[]): RealDigOptions {
  let server: string | undefined;
  let port: number | undefined;
  let name: string | undefined;
  let type: string | undefined;
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('@')) server = a.slice(1);
    else if (a === '-p') port = Number(argv[++i]);
    else if (a.startsWith('+')) {
      const [k, v] = a.slice(1).split('=');
      flags[k!] = v ?? true;
    } else if (name === undefined) name = a;
    else if (type === undefined && typeNumber(a) !== undefined) type = a.toUpperCase();
    else throw new Error(`dig: unexpected argument '${a}'`);
  }
  if (name === undefined) throw new Error('dig: no name given');
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    throw new Error('dig: bad port');
  return {
    ...(server !== undefined ? { server } : {}),
    ...(port !== undefined ? { port } : {}),
    name,
    ...(type !== undefined ? { type } : {}),
    tcp: flags.tcp === true || flags.vc === true,
    short: flags.short === true,
    recurse: flags.norecurse === undefined && flags.norec === undefined,
    ednsSize: flags.noedns !== undefined ? 0 : 1232,
    ...(typeof flags.timeout === 'string' ? { timeout: Number(flags.timeout) } : {}),
    ...(typeof flags.tries === 'string' ? { tries: Number(flags.tries) } : {}),
    args: [...argv],
  };
}

/** `nslookup NAME [SERVER]` with `-port=P`: A then AAAA, as BIND's nslookup does. */
export async function realNslookup(options: {
  name: string;
  server?: string;
  port?: number;
}): Promise<ToolOutput> {
  const server = { address: options.server ?? systemNameserver(), port: options.port ?? 53 };
  const stub = new StubResolver(realDnsIo());
  const responses = [];
  for (const type of [RecordType.A, RecordType.AAAA]) {
    const r = await stub.query(options.name, type, { server, timeout: 2, tries: 2 });
    responses.push(r.ok ? r.response : undefined);
    if (r.ok && r.response.rcode !== 0) break;
  }
  return nslookupLines({ name: options.name, server, responses });
}
