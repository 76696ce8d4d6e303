/**
 * `netlab curl [options] URL...`: curl's one engine (src/tools/commands/curl-transfers.ts,
 * the same the lab's `curl` runs, with the same options parsed by `parseCurlArguments`)
 * over real sockets (src/real/http-client.ts): http://, https:// with the project's TLS
 * (--cacert FILE, -k, --tlsv1.2/--tlsv1.3, --tls-max, --ciphers, --cert/--key,
 * --resolve; SSLKEYLOGFILE as curl reads it), HTTP/2 by ALPN or --http2-prior-knowledge.
 * Both streams are written as curl writes them (standard output gets the bytes as they are);
 * exit statuses are curl's; Ctrl-C stops it with 130.
 */
import { parseCurlArguments } from '../tools/commands/curl.ts';
import { realCurl } from '../real/http-client.ts';

export async function runCurlCli(args: readonly string[]): Promise<number> {
  const parsed = parseCurlArguments(args, process.stdout.isTTY === true);
  if ('exit' in parsed) {
    for (const l of parsed.out ?? []) process.stdout.write(`${l}\n`);
    for (const l of parsed.err ?? []) process.stderr.write(`${l}\n`);
    return parsed.exit;
  }
  let interrupt: (() => void) | undefined;
  const onSignal = () => interrupt?.();
  process.once('SIGINT', onSignal);
  try {
    const r = await realCurl({
      ...parsed.options,
      ...(parsed.cacert !== undefined ? { cacert: parsed.cacert } : {}),
      ...(parsed.cert !== undefined ? { cert: parsed.cert } : {}),
      ...(parsed.key !== undefined ? { key: parsed.key } : {}),
      resolve: parsed.resolve,
      ...(process.env.SSLKEYLOGFILE ? { keyLogFile: process.env.SSLKEYLOGFILE } : {}),
      onInterrupt: (fn) => {
        interrupt = fn;
      },
      // Each line as it happens: -v shows the handshake while it runs.
      live: {
        stderr: (line) => process.stderr.write(`${line}\n`),
        stdout: (bytes) => process.stdout.write(bytes),
      },
    });
    return r.exitCode;
  } catch (e) {
    process.stderr.write(`curl: ${(e as Error).message}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
