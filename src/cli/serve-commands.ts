/**
 * `netlab serve https|http|h2`: the project's web servers on real sockets, so that real
 * clients (curl, openssl s_client, browsers, h2load) talk to them. Each prints the address
 * it listens on (with --port 0, the port the system chose), logs nothing else, and stops
 * on SIGINT or SIGTERM.
 *
 *   netlab serve https --port P --cert FILE --key FILE --root DIR [--keylog FILE] [--host ADDR]
 *   netlab serve http  --port P --root DIR [--host ADDR]
 *   netlab serve h2    --port P (--cert FILE --key FILE | --cleartext) --root DIR [--host ADDR]
 *
 * Exit status 0 once stopped, 1 when it cannot listen or read its files, 2 for usage.
 */
import { parseArgs } from 'node:util';
import { serveH2 } from '../real/h2-server.ts';
import { serveHttp } from '../real/http-server.ts';
import { serveHttps } from '../real/https-server.ts';
import type { CliIo } from './dns-commands.ts';

const USAGE = [
  'usage: netlab serve https --port P --cert FILE --key FILE --root DIR [--keylog FILE] [--host ADDR]',
  '       netlab serve http --port P --root DIR [--host ADDR]',
  '       netlab serve h2 --port P (--cert FILE --key FILE | --cleartext) --root DIR [--host ADDR]',
].join('\n');

interface Values {
  port?: string;
  host?: string;
  root?: string;
  cert?: string;
  key?: string;
  keylog?: string;
  cleartext?: boolean;
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function listenError(e: unknown, host: string, port: number): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `cannot listen on ${host} port ${port}: address already in use`;
  if (code === 'EACCES')
    return `cannot listen on ${host} port ${port}: permission denied (ports below 1024 need root)`;
  if (code === 'ENOENT') return `${(e as NodeJS.ErrnoException).path}: No such file or directory`;
  return (e as Error).message;
}

/** `netlab serve https|http|h2 ...` (`args` after `serve`). */
export async function runServeWebCli(
  protocol: 'https' | 'http' | 'h2',
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        root: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        keylog: { type: 'string' },
        cleartext: { type: 'boolean' },
      },
    }));
  } catch (e) {
    io.err(`netlab serve ${protocol}: ${(e as Error).message}`);
    io.err(USAGE);
    return 2;
  }
  const port = Number(values.port);
  const problem =
    values.port === undefined || !/^\d+$/.test(values.port) || port > 65535
      ? '--port needs a port number 0..65535 (0: any free port)'
      : values.root === undefined
        ? '--root DIR: the directory to serve'
        : protocol === 'https' && (values.cert === undefined || values.key === undefined)
          ? '--cert FILE and --key FILE are needed (netlab pki issue writes them)'
          : protocol === 'h2' &&
              values.cleartext !== true &&
              (values.cert === undefined || values.key === undefined)
            ? 'give --cert FILE and --key FILE (h2 over TLS), or --cleartext (h2c)'
            : undefined;
  if (problem) {
    io.err(`netlab serve ${protocol}: ${problem}`);
    io.err(USAGE);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  let handle: { port: number; address: string; close(): Promise<void> };
  let scheme: string;
  try {
    if (protocol === 'https') {
      handle = await serveHttps({
        port,
        host,
        certFile: values.cert!,
        keyFile: values.key!,
        root: values.root!,
        ...(values.keylog !== undefined ? { keyLogFile: values.keylog } : {}),
      });
      scheme = 'https';
    } else if (protocol === 'http') {
      handle = await serveHttp({ port, host, root: values.root! });
      scheme = 'http';
    } else {
      handle = await serveH2({
        port,
        host,
        root: values.root!,
        ...(values.cleartext ? { cleartext: true } : { cert: values.cert!, key: values.key! }),
      });
      scheme = values.cleartext ? 'http' : 'https';
    }
  } catch (e) {
    io.err(`netlab serve ${protocol}: ${listenError(e, host, port)}`);
    return 1;
  }
  const what =
    protocol === 'h2'
      ? values.cleartext
        ? 'HTTP/2 (h2c, prior knowledge)'
        : 'HTTP/2 over TLS'
      : protocol.toUpperCase();
  const url = `${scheme}://${handle.address.includes(':') ? `[${handle.address}]` : handle.address}:${handle.port}/`;
  io.out(
    `netlab: ${what} server listening on ${handle.address} port ${handle.port}, serving ${values.root}: ${url}`,
  );
  await untilSignal();
  await handle.close();
  io.out(`netlab: ${protocol} server stopped`);
  return 0;
}
