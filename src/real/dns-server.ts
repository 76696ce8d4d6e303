/**
 * `netlab serve dns`: the project's authoritative server (src/application/dns) on real
 * sockets, answering real resolvers and `dig @127.0.0.1 -p PORT` over UDP (node:dgram)
 * and TCP (node:net through listenNet, RFC 7766 framing), both on the same port.
 *
 * Zone files are master files; each names its origin with `$ORIGIN`, or the caller gives
 * it (`{ path, origin }`). Malformed datagrams get FORMERR, never a crash.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { AuthoritativeServer, type ServeOutcome } from '../application/dns/authoritative-server.ts';
import { serveDnsStream } from '../application/dns/dns-stream.ts';
import { Zone } from '../application/dns/zone.ts';
import { listenNet, type NetListener } from './net-stream.ts';
import { realClock } from './real-clock.ts';

export type ZoneFileSource = string | { readonly path: string; readonly origin: string };

export interface ServeDnsOptions {
  /** 0 picks a free port (the same one for UDP and TCP). */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly zoneFiles?: readonly ZoneFileSource[];
  /** Zones already built. */
  readonly zones?: readonly Zone[];
  /** Largest UDP answer (EDNS clients); default 1232. */
  readonly maxUdpPayload?: number;
  /** Called for every query answered (for a log line). */
  readonly onQuery?: (info: {
    from: string;
    transport: 'udp' | 'tcp';
    outcome: ServeOutcome;
    qname?: string;
  }) => void;
}

export interface DnsServerHandle {
  readonly host: string;
  readonly port: number;
  readonly server: AuthoritativeServer;
  close(): Promise<void>;
}

/** Reads the zone files (throws ZoneFileError naming file and line). */
export function loadZoneFiles(sources: readonly ZoneFileSource[]): Zone[] {
  return sources.map((s) => {
    const path = typeof s === 'string' ? s : s.path;
    const text = readFileSync(path, 'utf8');
    return Zone.fromText(text, { fileName: path, ...(typeof s === 'string' ? {} : { origin: s.origin }) });
  });
}

function bindUdp(port: number, host: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4' });
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

export async function serveDns(options: ServeDnsOptions): Promise<DnsServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const zones = [...(options.zones ?? []), ...loadZoneFiles(options.zoneFiles ?? [])];
  const server = new AuthoritativeServer(zones, { maxUdpPayload: options.maxUdpPayload ?? 1232 });
  const onQuery = options.onQuery;
  let udp: dgram.Socket | undefined;
  let tcp: NetListener | undefined;
  // With port 0, take the port UDP got for TCP too; retry if TCP finds it taken.
  for (let attempt = 0; attempt < 10 && !tcp; attempt++) {
    udp = await bindUdp(options.port, host);
    const port = udp.address().port;
    try {
      tcp = await listenNet(
        port,
        (stream) =>
          serveDnsStream(
            stream,
            (q) => {
              const r = server.handle(q, 'tcp');
              onQuery?.({
                from: stream.remote.address,
                transport: 'tcp',
                outcome: r.outcome,
                qname: r.query?.questions[0]?.name,
              });
              return r.response;
            },
            { clock: realClock },
          ),
        host,
      );
    } catch (e) {
      udp.close();
      udp = undefined;
      if (options.port !== 0) throw e;
    }
  }
  if (!udp || !tcp) throw new Error('could not bind the same port for UDP and TCP');
  const socket = udp;
  socket.on('message', (msg, rinfo) => {
    const r = server.handle(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), 'udp');
    onQuery?.({
      from: rinfo.address,
      transport: 'udp',
      outcome: r.outcome,
      qname: r.query?.questions[0]?.name,
    });
    if (r.response) socket.send(r.response, rinfo.port, rinfo.address);
  });
  socket.on('error', () => {
    // A send to a vanished client (ICMP unreachable) is not the server's problem.
  });
  const listener = tcp;
  return {
    host,
    port: listener.port,
    server,
    close: async () => {
      await new Promise<void>((done) => socket.close(() => done()));
      await listener.close();
    },
  };
}
