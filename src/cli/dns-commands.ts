/**
 * The DNS commands of `netlab`, over real sockets:
 *
 *   netlab dig [@SERVER] [-p PORT] NAME [TYPE] [+options]   BIND 9.18's dig (src/tools/dns)
 *   netlab nslookup [-type=T] [-port=P] NAME [SERVER]
 *   netlab host [-t TYPE] [-p PORT] NAME [SERVER]
 *   netlab serve dns --port P --zone FILE [--zone ORIGIN=FILE...] [--host ADDR] [--quiet]
 *
 * The clients print what BIND's tools print and exit as they do. `serve dns` runs the
 * project's authoritative server on UDP and TCP, prints where it listens (`--port 0`
 * takes a free port, and the line says which) and one line per query, and stops on
 * SIGINT or SIGTERM. Exit statuses of serve: 0 once stopped, 1 when it cannot listen,
 * 2 for usage errors and bad zone files.
 */
import { parseArgs } from 'node:util';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ZoneFileError } from '../application/dns/zone-file.ts';
import { realDnsEnvironment, realDnsIo } from '../real/dns-client.ts';
import { serveDns, type ZoneFileSource } from '../real/dns-server.ts';
import { parseDigCommandLine } from '../tools/dns/dig-options.ts';
import { runDig } from '../tools/dns/dig-run.ts';
import { runHost } from '../tools/dns/host-run.ts';
import { runNslookup } from '../tools/dns/nslookup-run.ts';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** `netlab dig ...` */
export async function runDigCli(args: readonly string[], io: CliIo): Promise<number> {
  const cmd = parseDigCommandLine(args);
  if ('error' in cmd) {
    for (const l of cmd.out) io.out(l);
    for (const l of cmd.error) io.err(l);
    return cmd.status;
  }
  return runDig(realDnsIo(), cmd, realDnsEnvironment(io.out, io.err));
}

/** `netlab nslookup ...` */
export function runNslookupCli(args: readonly string[], io: CliIo): Promise<number> {
  return runNslookup(realDnsIo(), args, realDnsEnvironment(io.out, io.err));
}

/** `netlab host ...` */
export function runHostCli(args: readonly string[], io: CliIo): Promise<number> {
  return runHost(realDnsIo(), args, realDnsEnvironment(io.out, io.err));
}

const SERVE_USAGE =
  'usage: netlab serve dns --port PORT --zone FILE [--zone ORIGIN=FILE...] [--host ADDR] [--quiet]';

/** `netlab serve dns ...`: runs until SIGINT or SIGTERM. */
export async function runServeDnsCli(args: readonly string[], io: CliIo): Promise<number> {
  let values: { port?: string; zone?: string[]; host?: string; quiet?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        zone: { type: 'string', multiple: true },
        host: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    }));
  } catch (e) {
    io.err(`netlab serve dns: ${(e as Error).message}`);
    io.err(SERVE_USAGE);
    return 2;
  }
  const port = Number(values.port);
  if (values.port === undefined || !/^\d+$/.test(values.port) || port > 65535) {
    io.err(`netlab serve dns: --port needs a port number 0..65535 (0: any free port)`);
    io.err(SERVE_USAGE);
    return 2;
  }
  if (!values.zone?.length) {
    io.err('netlab serve dns: give at least one --zone FILE (a master file with $ORIGIN)');
    io.err(SERVE_USAGE);
    return 2;
  }
  // `--zone FILE` names its origin with $ORIGIN; `--zone example.com=FILE` gives it.
  const zoneFiles: ZoneFileSource[] = values.zone.map((z) => {
    const eq = z.indexOf('=');
    return eq > 0 ? { origin: z.slice(0, eq), path: z.slice(eq + 1) } : z;
  });
  const quiet = values.quiet === true;
  let handle: Awaited<ReturnType<typeof serveDns>>;
  try {
    handle = await serveDns({
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      zoneFiles,
      onQuery: (q) => {
        if (!quiet) io.out(`${q.from} ${q.transport} ${q.qname ?? '-'} ${q.outcome}`);
      },
    });
  } catch (e) {
    if (e instanceof ZoneFileError || e instanceof NetlabError) {
      io.err(`netlab serve dns: ${e.message}`);
      return 2;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      io.err(`netlab serve dns: ${(e as NodeJS.ErrnoException).path}: No such file or directory`);
      return 2;
    }
    const why =
      code === 'EADDRINUSE'
        ? 'address already in use'
        : code === 'EACCES'
          ? 'permission denied (ports below 1024 need root)'
          : code === 'EADDRNOTAVAIL'
            ? 'cannot assign requested address'
            : String((e as Error).message);
    io.err(`netlab serve dns: cannot listen on ${values.host ?? '127.0.0.1'} port ${port}: ${why}`);
    return 1;
  }
  const served = handle.server.zoneList();
  const zones = served.map((z) => z.origin).join(', ');
  io.out(`netlab: DNS server listening on ${handle.host} port ${handle.port} (UDP and TCP); zones: ${zones}`);
  io.out(`netlab: try: dig @${handle.host} -p ${handle.port} ${firstName(served[0]?.origin)}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
  io.out('netlab: DNS server stopped');
  return 0;
}

function firstName(origin: string | undefined): string {
  return origin === undefined || origin === '.' ? '. NS' : `${origin} SOA`;
}
