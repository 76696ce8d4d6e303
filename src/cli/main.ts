/**
 * The `netlab` command.
 *
 *   netlab tour                         the narrated tour (what `npm start` runs)
 *   netlab run FILE|EXAMPLE [options]   run a scenario, print its timeline
 *   netlab check FILE|EXAMPLE           validate a scenario file
 *   netlab examples                     list the example scenarios
 *   netlab ping ARGS... [--from NODE] [--scenario FILE]
 *   netlab traceroute ARGS... [--from NODE] [--scenario FILE]
 *                                       one tool on the default topology, for a quick look
 *   netlab experiment NAME [options]    run an experiment, print its table (src/cli/experiment.ts)
 *   netlab dig|nslookup|host ARGS...    the DNS tools over real sockets (src/cli/dns-commands.ts)
 *   netlab serve dns --port P --zone FILE   netlab's name server on real sockets
 *   netlab serve https|http|h2 ...      netlab's web servers on real sockets (src/cli/serve-commands.ts)
 *   netlab pki init|issue ...           a CA of your own on disk (src/cli/pki-commands.ts)
 *   netlab curl [options] URL...        curl over real sockets (src/cli/curl-command.ts)
 *
 * Exit status: 0 on success, 1 when a quick-look tool failed, 2 for usage errors and
 * invalid scenarios.
 */
import { parseArgs } from 'node:util';
import { runDigCli, runHostCli, runNslookupCli, runServeDnsCli } from './dns-commands.ts';
import { runExperimentCli } from './experiment.ts';
import { runScenarioCli } from './run-scenario.ts';
import { exampleNames, loadScenario, type Loaded } from './load-scenario.ts';
import { runQuickTool } from './quick-tool.ts';
import { runTour } from './tour.ts';
import { runCurlCli } from './curl-command.ts';
import { runPkiCli } from './pki-commands.ts';
import { runServeWebCli } from './serve-commands.ts';
import { serveWebLab, wantsWebLab } from './serve-web.ts';

const USAGE = `usage: netlab <command> [options]

commands:
  tour                          the tour (examples/tour.yaml): a browser loads an HTTPS page, every
                                step explained (--lang en|ko|both; --http: the plain-HTTP tour),
                                frames written to tour.pcap and TLS keys to tour.keylog (--pcap FILE,
                                --keylog FILE, --no-pcap); then serves the web lab on localhost
                                (PORT; --no-web: don't; --web: even when piped)
  run FILE|EXAMPLE              run a scenario and print its timeline
      --seed N                  override the scenario's seed
      --pcap FILE               write every frame on every link to a pcap file
      --pcap-at NODE[:IFACE]    with --pcap: only what that node sends and receives
      --trace TYPES             also print trace events (comma-separated: ip,arp,link.drop,all...)
      --out DIR                 where files written by commands go (default .)
      --json                    JSON lines instead of text
  check FILE|EXAMPLE            validate a scenario file and print its problems
  examples                      list the example scenarios
  ping ARGS...                  ping on the default topology (from h1; --from NODE, --scenario FILE)
  traceroute ARGS...            traceroute on the default topology (same options)
  experiment NAME [options]     run an experiment: http-versions, hol-blocking, header-bytes, push, workarounds, io-models
                                ('netlab experiment help' lists their options)
  dig [@SERVER] [-p PORT] NAME [TYPE] [+options]
                                BIND's dig over real sockets (same options and output)
  nslookup NAME [SERVER]        nslookup over real sockets (-type=T, -port=P)
  host NAME [SERVER]            host over real sockets (-t TYPE, -p PORT)
  serve dns --port P --zone FILE [--zone ORIGIN=FILE...] [--host ADDR] [--quiet]
                                netlab's authoritative name server on UDP and TCP (port 0: any)
  serve https --port P --cert FILE --key FILE --root DIR [--keylog FILE]
                                netlab's HTTPS server (TLS 1.2 and 1.3; port 0: any)
  serve http --port P --root DIR
                                netlab's HTTP/1.1 server
  serve h2 --port P (--cert FILE --key FILE | --cleartext) --root DIR
                                netlab's HTTP/2 server (h2 over TLS, or h2c)
  pki init DIR                  a CA of your own: DIR/ca.crt and DIR/ca.key (PEM)
  pki issue DIR NAME [NAME...]  DIR/NAME.crt (leaf and chain) and DIR/NAME.key for those names
  curl [options] URL...         curl 7.88 over real sockets (http, https with --cacert, -k,
                                --http2-prior-knowledge; h2 by ALPN)
  help                          this text

Scenario files are described in docs/scenario-format.md.`;

const out = (line: string) => process.stdout.write(`${line}\n`);
// `netlab tour | head` closes the pipe early: stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const err = (line: string) => process.stderr.write(`${line}\n`);

function report(loaded: Loaded): loaded is Extract<Loaded, { spec: unknown }> {
  if ('errors' in loaded) {
    for (const e of loaded.errors) err(e);
    return false;
  }
  for (const w of loaded.warnings) err(w);
  return true;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return command === undefined ? 2 : 0;
    case 'tour': {
      const code = await runTour(rest, { out, err });
      if (code !== 0 || !wantsWebLab(rest, process.stdout.isTTY === true, process.env)) return code;
      return serveWebLab(out, err);
    }
    case 'run': {
      let parsed: ReturnType<typeof parseRunArgs>;
      try {
        parsed = parseRunArgs(rest);
      } catch (e) {
        err(`netlab run: ${(e as Error).message}`);
        return 2;
      }
      const { values, positionals } = parsed;
      if (positionals.length !== 1) {
        err('usage: netlab run FILE|EXAMPLE [--seed N] [--pcap FILE] [--trace TYPES] [--out DIR] [--json]');
        return 2;
      }
      const seed = values.seed === undefined ? undefined : Number(values.seed);
      if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff)) {
        err(`netlab run: --seed must be a whole number 0..4294967295, got '${values.seed}'`);
        return 2;
      }
      const loaded = loadScenario(positionals[0]!);
      if (!report(loaded)) return 2;
      const at = values['pcap-at']?.split(':')[0];
      if (at !== undefined && !loaded.spec.nodes.some((n) => n.name === at)) {
        err(`netlab run: --pcap-at: no node '${at}' in ${loaded.spec.name}`);
        return 2;
      }
      return runScenarioCli(loaded.spec, {
        seed,
        pcap: values.pcap,
        pcapAt: values['pcap-at'],
        json: values.json,
        out: values.out,
        trace: values.trace?.split(',').filter((t) => t !== ''),
        write: out,
      });
    }
    case 'check': {
      if (rest.length !== 1) {
        err('usage: netlab check FILE|EXAMPLE');
        return 2;
      }
      const loaded = loadScenario(rest[0]!);
      if (!report(loaded)) return 2;
      const s = loaded.spec;
      out(
        `${rest[0]}: ok: ${s.nodes.length} nodes, ${s.links.length} links, ${s.script.length} steps, ${s.duration / 1e9} s`,
      );
      return 0;
    }
    case 'examples': {
      for (const name of exampleNames()) {
        const loaded = loadScenario(name);
        const first =
          'spec' in loaded
            ? (loaded.spec.description.split(/\n\n/)[0] ?? '').replace(/\s+/g, ' ')
            : '(invalid)';
        out(`${name.padEnd(22)} ${first}`);
      }
      return 0;
    }
    case 'ping':
    case 'traceroute':
      return runQuickTool(command, rest, { out, err });
    case 'experiment':
      return runExperimentCli(rest, { out, err });
    case 'dig':
      return runDigCli(rest, { out, err });
    case 'nslookup':
      return runNslookupCli(rest, { out, err });
    case 'host':
      return runHostCli(rest, { out, err });
    case 'serve':
      if (rest[0] === 'dns') return runServeDnsCli(rest.slice(1), { out, err });
      if (rest[0] === 'https' || rest[0] === 'http' || rest[0] === 'h2')
        return runServeWebCli(rest[0], rest.slice(1), { out, err });
      err(`netlab serve: unknown protocol '${rest[0] ?? ''}' (known: dns, https, http, h2)`);
      return 2;
    case 'pki':
      return runPkiCli(rest, { out, err });
    case 'curl':
      return runCurlCli(rest);
    default:
      err(`netlab: unknown command '${command}'\n`);
      err(USAGE);
      return 2;
  }
}

function parseRunArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      pcap: { type: 'string' },
      'pcap-at': { type: 'string' },
      trace: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(`netlab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 70;
  },
);
