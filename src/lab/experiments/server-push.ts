/**
 * Experiment: HTTP/2 server push (RFC 9113 §8.4) on and off, for a page whose HTML
 * references a stylesheet and a script. Without push the client learns of the CSS and JS
 * only when the HTML arrives, and asks for them: one more round trip. With push the server
 * sends PUSH_PROMISE for both with the HTML's response and then the files themselves, in
 * the same flight, so they arrive right behind the HTML: push saves about one RTT for the
 * pushed resources, and so for the page.
 *
 * The network (experiment-network.ts): client — router — server, 50 Mbit/s links, at each
 * RTT (default 10, 50 and 100 ms). The server is netlab's web server, with the push list
 * `{ '/index.html': ['/style.css', '/app.js'] }`; the client is netlab's HTTP/2 client
 * (h2-page-load.ts) announcing SETTINGS_ENABLE_PUSH = 1 or 0. The page: an HTML document
 * with `<link rel="stylesheet" href="/style.css">` and `<script src="/app.js">`, CSS of
 * `cssSize` bytes (default 15,000) and JS of `jsSize` (default 40,000). Every load is a cold
 * load: the known cost of push — sending what the client already has cached — does not
 * show here.
 *
 * Figures (simulated time, ms after the load started, TCP connect included): when the
 * CSS's last byte arrived, and the page-load time (the last byte of the last resource).
 */
import { installWebServer } from '../../application/browser/web-server.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { experimentNetwork } from './experiment-network.ts';
import { checkRate, checkRtts, checkSeed, checkSize } from './experiment-options.ts';
import { type H2PageLoad, loadPageOverH2 } from './h2-page-load.ts';
import { SCRIPT_PATH, STYLESHEET_PATH, stylesAndScriptsPage } from './pages.ts';
import { ms, msLabel, textTable } from './text-table.ts';

export interface ServerPushOptions {
  /** Default 10, 50, 100 ms. */
  readonly rtts?: readonly Time[];
  /** Bytes of the stylesheet. Default 15,000. */
  readonly cssSize?: number;
  /** Bytes of the script. Default 40,000. */
  readonly jsSize?: number;
  /** Link rate, bit/s. Default 50 Mbit/s. */
  readonly rate?: number;
  readonly seed?: number;
}

export interface PushRun {
  readonly push: boolean;
  readonly rtt: Time;
  readonly loadTime: Time;
  /** The stylesheet's last byte, ns after the start. */
  readonly cssTime: Time;
  /** The script's last byte. */
  readonly jsTime: Time;
  /** Resources that came by push. */
  readonly pushed: number;
  readonly page: H2PageLoad;
}

export interface ServerPushResult {
  readonly parameters: {
    readonly rtts: readonly Time[];
    readonly cssSize: number;
    readonly jsSize: number;
    readonly rate: number;
    readonly seed: number;
  };
  /** One row per RTT: without push, then with. */
  readonly rows: readonly { readonly rtt: Time; readonly off: PushRun; readonly on: PushRun }[];
}

function checkOptions(o: ServerPushOptions): ServerPushResult['parameters'] {
  const p = {
    rtts: o.rtts ?? [10, 50, 100].map((x) => x * MILLISECOND),
    cssSize: o.cssSize ?? 15_000,
    jsSize: o.jsSize ?? 40_000,
    rate: o.rate ?? 50e6,
    seed: o.seed ?? 1,
  };
  checkRtts(p.rtts);
  checkSize('cssSize', p.cssSize);
  checkSize('jsSize', p.jsSize);
  checkRate(p.rate);
  checkSeed(p.seed);
  return p;
}

/** One load at one RTT, push on or off. */
export async function runPushOnce(
  push: boolean,
  rtt: Time,
  p: ServerPushResult['parameters'],
): Promise<PushRun> {
  const { network, serverAddress } = experimentNetwork({ rtt, rate: p.rate, seed: p.seed });
  const sim = network.sim;
  installWebServer(network.requireNode('server'), stylesAndScriptsPage(p.cssSize, p.jsSize), {
    protocols: 'h2',
    push: { '/index.html': [STYLESHEET_PATH, SCRIPT_PATH] },
  });
  let page: H2PageLoad | undefined;
  let failure: unknown;
  void loadPageOverH2(network, serverAddress, push)
    .then(
      (x) => {
        page = x;
      },
      (e: unknown) => {
        failure = e;
      },
    )
    .finally(() => sim.stop());
  await sim.run(sim.now + 3600 * SECOND);
  if (failure !== undefined) throw failure;
  if (!page) throw new NetlabError('experiment-stuck', 'the page load did not finish');
  const end = (path: string) => page!.resources.find((r) => r.path === path)!.end;
  return {
    push,
    rtt,
    loadTime: page.loadTime,
    cssTime: end(STYLESHEET_PATH),
    jsTime: end(SCRIPT_PATH),
    pushed: page.resources.filter((r) => r.pushed).length,
    page,
  };
}

export async function runServerPush(options: ServerPushOptions = {}): Promise<ServerPushResult> {
  const parameters = checkOptions(options);
  const rows: { rtt: Time; off: PushRun; on: PushRun }[] = [];
  for (const rtt of parameters.rtts) {
    rows.push({
      rtt,
      off: await runPushOnce(false, rtt, parameters),
      on: await runPushOnce(true, rtt, parameters),
    });
  }
  return { parameters, rows };
}

/** Rows RTT; CSS arrival and page-load time without and with push, and what push saved. */
export function formatServerPushTable(result: ServerPushResult): string[] {
  const p = result.parameters;
  const rows = result.rows.map((r) => [
    msLabel(r.rtt),
    ms(r.off.cssTime),
    ms(r.on.cssTime),
    ms(r.off.loadTime),
    ms(r.on.loadTime),
    ms(r.off.loadTime - r.on.loadTime),
    r.rtt > 0 ? ((r.off.loadTime - r.on.loadTime) / r.rtt).toFixed(2) : '-',
  ]);
  return [
    `HTTP/2 server push: a page with ${STYLESHEET_PATH} (${p.cssSize} bytes) and ${SCRIPT_PATH} (${p.jsSize} bytes),`,
    `client - router - server, ${p.rate / 1e6} Mbit/s links; times in ms from the start of the load`,
    '',
    ...textTable(
      ['RTT', 'CSS no push', 'CSS push', 'page no push', 'page push', 'saved', 'saved/RTT'],
      rows,
      { minWidth: 8, left: [] },
    ).map((l) => `  ${l}`),
  ];
}

/** CSV: one row per RTT. */
export function serverPushCsv(result: ServerPushResult): string {
  const head = 'rtt_ms,css_no_push_ms,css_push_ms,js_no_push_ms,js_push_ms,load_no_push_ms,load_push_ms';
  const rows = result.rows.map((r) =>
    [r.rtt, r.off.cssTime, r.on.cssTime, r.off.jsTime, r.on.jsTime, r.off.loadTime, r.on.loadTime]
      .map((t) => t / MILLISECOND)
      .join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

function runJson(r: PushRun) {
  return {
    push: r.push,
    pageLoadMs: r.loadTime / MILLISECOND,
    cssMs: r.cssTime / MILLISECOND,
    jsMs: r.jsTime / MILLISECOND,
    pushed: r.pushed,
    resources: r.page.resources.map((x) => ({
      path: x.path,
      kind: x.kind,
      status: x.status,
      pushed: x.pushed,
      firstByteMs: x.firstByte / MILLISECOND,
      endMs: x.end / MILLISECOND,
      bytes: x.bytes,
    })),
  };
}

/** JSON: parameters, and per RTT both loads with every resource's timing. */
export function serverPushJson(result: ServerPushResult): unknown {
  const p = result.parameters;
  return {
    experiment: 'push',
    parameters: {
      rttsMs: p.rtts.map((r) => r / MILLISECOND),
      cssBytes: p.cssSize,
      jsBytes: p.jsSize,
      rateBitsPerSecond: p.rate,
      seed: p.seed,
    },
    rows: result.rows.map((r) => ({
      rttMs: r.rtt / MILLISECOND,
      noPush: runJson(r.off),
      push: runJson(r.on),
    })),
  };
}
