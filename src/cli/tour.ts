/**
 * `netlab tour` (what `npm start` runs): the default scenario, examples/tour.yaml (an
 * HTTPS page load; `--http`: examples/tour-http.yaml, the same over plain HTTP), with the
 * narrator (src/lab/tour/narrator.ts) explaining every step between the commands' own
 * output, and tour.pcap: every frame the laptop sent and received, as Wireshark on the
 * laptop would have captured them, with tour.keylog beside it (the NSS key log of the
 * run's TLS sessions: `tshark -r tour.pcap -o tls.keylog_file:tour.keylog` shows the
 * HTTP inside).
 *
 *   netlab tour [--http] [--lang en|ko|both] [--pcap FILE | --no-pcap] [--keylog FILE]
 *               [--width N] [--web | --no-web]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { concatBytes } from '../bytes/concat.ts';
import { ScenarioRun } from '../lab/run/scenario-run.ts';
import { timelineLine } from '../lab/run/timeline.ts';
import { type Narration, TourNarrator } from '../lab/tour/narrator.ts';
import { formatSeconds } from '../sim/time.ts';
import '../application/tls/trace-events.ts';
import { PcapWriter } from '../tools/capture/pcap-writer.ts';
import { loadScenario } from './load-scenario.ts';

export const TOUR_SCENARIO = 'tour';
export const TOUR_HTTP_SCENARIO = 'tour-http';

/** The key log written beside a capture: tour.pcap → tour.keylog. */
export function keylogPathFor(pcap: string): string {
  return pcap.endsWith('.pcap') ? `${pcap.slice(0, -'.pcap'.length)}.keylog` : `${pcap}.keylog`;
}
/** The node whose browser the tour follows. */
const CLIENT = 'laptop';

/** Terminal columns of `text`: Hangul and other wide characters take two. */
function columns(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xff00 && c <= 0xff60)
        ? 2
        : 1;
  }
  return n;
}

/** Wraps `text` to `width` terminal columns, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, indent: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && columns(line) + 1 + columns(w) > width) {
      lines.push(line);
      line = w;
    } else {
      line = line === '' ? w : `${line} ${w}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${' '.repeat(indent)}${l}`));
}

export async function runTour(
  args: string[],
  io: { out: (l: string) => void; err: (l: string) => void },
): Promise<number> {
  let values: {
    lang?: string;
    pcap?: string;
    'no-pcap'?: boolean;
    keylog?: string;
    width?: string;
    http?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        lang: { type: 'string' },
        pcap: { type: 'string' },
        'no-pcap': { type: 'boolean' },
        keylog: { type: 'string' },
        width: { type: 'string' },
        http: { type: 'boolean' },
        // Whether the web lab is served afterwards is main.ts's business.
        web: { type: 'boolean' },
        'no-web': { type: 'boolean' },
      },
    }));
  } catch (e) {
    io.err(`netlab tour: ${(e as Error).message}`);
    return 2;
  }
  const lang = values.lang ?? 'en';
  if (lang !== 'en' && lang !== 'ko' && lang !== 'both') {
    io.err(`netlab tour: --lang must be en, ko or both, got '${lang}'`);
    return 2;
  }
  const width = values.width === undefined ? 100 : Number(values.width);
  if (!(Number.isInteger(width) && width >= 40)) {
    io.err('netlab tour: --width must be a whole number of at least 40');
    return 2;
  }
  const loaded = loadScenario(values.http ? TOUR_HTTP_SCENARIO : TOUR_SCENARIO);
  if ('errors' in loaded) {
    for (const e of loaded.errors) io.err(e);
    return 2;
  }
  const spec = loaded.spec;
  const nodeWidth = Math.max(3, ...spec.nodes.map((n) => n.name.length));
  const run = new ScenarioRun(spec, { onOutput: (l) => io.out(timelineLine(l, nodeWidth)) });
  const prefix = 14 + nodeWidth + 3;
  const narrate = (n: Narration): void => {
    const head = `[${formatSeconds(n.time).padStart(11)}] ${n.node.padEnd(nodeWidth)} » `;
    const texts = lang === 'both' ? [n.en, n.ko] : [lang === 'ko' ? n.ko : n.en];
    for (const t of texts) {
      const lines = wrap(t, Math.max(40, width - prefix), prefix);
      io.out(head + lines[0]);
      for (const l of lines.slice(1)) io.out(l);
    }
  };
  const narrator = new TourNarrator(run.sim, run.network, CLIENT, narrate);
  const chunks: Uint8Array[] = [];
  const pcapPath = values['no-pcap'] ? undefined : (values.pcap ?? 'tour.pcap');
  const writer = pcapPath === undefined ? undefined : new PcapWriter((c) => chunks.push(c));
  // What Wireshark on the laptop would record: every frame its NIC sends and receives.
  if (writer) {
    const mine = (e: { node: string; time: number; frame: Uint8Array }) => {
      if (e.node === CLIENT) writer.write(e.time, e.frame);
    };
    run.sim.trace.on('link.tx', mine);
    run.sim.trace.on('link.rx', mine);
  }
  // Every TLS secret of the run (the laptop's and the server's are the same sessions).
  const keylog: string[] = [];
  const keylogPath = pcapPath === undefined ? undefined : (values.keylog ?? keylogPathFor(pcapPath));
  if (keylogPath !== undefined) {
    run.sim.trace.on('tls.keylog', (e) => {
      if (e.node === CLIENT) keylog.push(e.line);
    });
  }
  io.out(
    lang === 'ko'
      ? '# 투어: 브라우저에 URL을 입력하면 일어나는 일 (examples/tour.yaml). » 줄이 설명입니다.'
      : '# The tour: what happens when you type a URL (examples/tour.yaml). Lines with » explain.',
  );
  await run.run();
  narrator.stop();
  if (pcapPath !== undefined && writer) {
    writeFileSync(pcapPath, concatBytes(chunks));
    io.out(
      lang === 'ko'
        ? `# ${pcapPath}에 프레임 ${writer.records}개를 기록했습니다 (Wireshark로 열어 보세요).`
        : `# wrote ${pcapPath} (${writer.records} frames the laptop sent and received): open it in Wireshark.`,
    );
    if (keylogPath !== undefined && keylog.length > 0) {
      writeFileSync(keylogPath, `${keylog.join('\n')}\n`);
      io.out(
        lang === 'ko'
          ? `# ${keylogPath}에 TLS 키를 기록했습니다: tshark -r ${pcapPath} -o tls.keylog_file:${keylogPath} 로 복호화됩니다.`
          : `# wrote ${keylogPath} (the TLS session keys): tshark -r ${pcapPath} -o tls.keylog_file:${keylogPath} decrypts it.`,
      );
    }
  }
  return 0;
}
