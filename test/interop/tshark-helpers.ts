/**
 * Runs the real tshark (Wireshark 3.x/4.x) on capture files, for interop tests that prove
 * netlab's frames are wire-correct: every packet dissected, no malformed packet, no bad
 * checksum.
 *
 * Checksum validation is off by default in Wireshark; every call here turns it on for
 * IPv4, UDP and TCP (ICMP checksums are always checked). Name resolution is off (-n) so
 * runs are fast and never touch the network.
 *
 * Tests skip with a loud warning when tshark is not installed: `it.skipIf(!hasTshark())`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** tshark -o preferences that turn checksum validation on (names from `tshark -G defaultprefs`). */
export const TSHARK_CHECKSUM_PREFS: readonly string[] = [
  '-o',
  'ip.check_checksum:TRUE',
  '-o',
  'udp.check_checksum:TRUE',
  '-o',
  'tcp.check_checksum:TRUE',
];

const MAX_OUTPUT = 256 * 1024 * 1024;
/** ASCII record separator: cannot appear in expert messages, so it splits them safely. */
const AGGREGATOR = '\x1e';

let available: boolean | undefined;

/** True when a working `tshark` is on the PATH (checked once per process). */
export function hasTshark(): boolean {
  if (available === undefined) {
    const r = spawnSync('tshark', ['--version'], { stdio: 'ignore' });
    available = r.status === 0;
  }
  return available;
}

function runTshark(args: readonly string[]): string {
  return execFileSync('tshark', ['-n', ...TSHARK_CHECKSUM_PREFS, ...args], {
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function lines(text: string): string[] {
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * One row per packet (matching `displayFilter`, when given) with the values of `fields`
 * in order, as `tshark -T fields` prints them: several occurrences of a field in one
 * packet are joined with ','.
 */
export function tsharkFields(
  pcapPath: string,
  fields: readonly string[],
  displayFilter?: string,
  /** More tshark arguments (`-o` preferences). */
  options: readonly string[] = [],
): string[][] {
  const args = [...options, '-r', pcapPath, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a'];
  for (const f of fields) args.push('-e', f);
  if (displayFilter !== undefined) args.push('-Y', displayFilter);
  return lines(runTshark(args)).map((line) => line.split('\t'));
}

/** `tshark -V` for the whole file: each frame's detail tree, as text, by frame number (1-based). */
export function tsharkTrees(pcapPath: string, options: readonly string[] = []): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let tree: string[] = [];
  for (const line of lines(runTshark([...options, '-r', pcapPath, '-V']))) {
    const m = /^Frame (\d+): /.exec(line);
    if (m) {
      tree = [];
      out.set(Number(m[1]), tree);
    }
    tree.push(line);
  }
  return out;
}

export interface TsharkExpertInfo {
  /** frame.number, 1-based. */
  readonly frame: number;
  /** 'Chat' | 'Note' | 'Warning' | 'Error' (Wireshark's names). */
  readonly severity: string;
  /** 'Checksum' | 'Malformed' | 'Protocol' | 'Sequence' | ... */
  readonly group: string;
  readonly message: string;
}

/** Every expert-info item Wireshark attached to any packet of the file. */
export function tsharkExpertInfos(pcapPath: string): TsharkExpertInfo[] {
  const args = ['-r', pcapPath, '-Y', '_ws.expert', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert'];
  args.push('-E', 'occurrence=a', '-E', `aggregator=${AGGREGATOR}`);
  const out: TsharkExpertInfo[] = [];
  for (const line of lines(runTshark(args))) {
    const tab = line.indexOf('\t');
    const frame = Number(line.slice(0, tab));
    for (const item of line.slice(tab + 1).split(AGGREGATOR)) {
      // Each item reads "Expert Info (Error/Checksum): Bad checksum [should be 0x26a6]".
      const m = /^Expert Info \(([^/]*)\/([^)]*)\): ([\s\S]*)$/.exec(item);
      if (m) out.push({ frame, severity: m[1]!, group: m[2]!, message: m[3]! });
      else if (item !== '') out.push({ frame, severity: 'Unknown', group: 'Unknown', message: item });
    }
  }
  return out;
}

/** Groups whose warnings mean the bytes are wrong (not, say, a retransmission seen). */
const PROBLEM_WARNING_GROUPS = new Set(['Checksum', 'Malformed', 'Protocol', 'Undecoded']);

/**
 * Findings that mean a frame is not wire-correct, one line each, e.g.
 * `frame 3: Error/Checksum: Bad checksum [should be 0x26a6]`. These are every Error
 * (malformed packets, bad checksums, bad lengths) and the Warnings of the Checksum,
 * Malformed, Protocol and Undecoded groups. Sequence-analysis warnings (lost segment,
 * RST, zero window) are normal in scenarios with loss and are not reported.
 * An empty array means tshark found nothing wrong.
 */
export function tsharkExpertProblems(pcapPath: string): string[] {
  return tsharkExpertInfos(pcapPath)
    .filter(
      (e) =>
        e.severity === 'Error' ||
        e.severity === 'Unknown' ||
        (e.severity === 'Warning' && PROBLEM_WARNING_GROUPS.has(e.group)),
    )
    .map((e) => `frame ${e.frame}: ${e.severity}/${e.group}: ${e.message}`);
}

/**
 * One tshark run for the two checks most interop tests make: each frame's protocol stack
 * (`frame.protocols`) and the findings `tsharkExpertProblems` reports.
 */
export function tsharkCheck(pcapPath: string): { protocols: string[]; problems: string[] } {
  const args = [
    '-r',
    pcapPath,
    '-T',
    'fields',
    '-e',
    'frame.number',
    '-e',
    'frame.protocols',
    '-e',
    '_ws.expert',
  ];
  args.push('-E', 'occurrence=a', '-E', `aggregator=${AGGREGATOR}`, '-E', 'separator=/t');
  const protocols: string[] = [];
  const problems: string[] = [];
  for (const line of lines(runTshark(args))) {
    const [frame, stack, expert] = line.split('\t');
    protocols.push(stack ?? '');
    for (const item of (expert ?? '').split(AGGREGATOR)) {
      const m = /^Expert Info \(([^/]*)\/([^)]*)\): ([\s\S]*)$/.exec(item);
      if (!m) continue;
      const [, severity, group, message] = m;
      if (severity === 'Error' || (severity === 'Warning' && PROBLEM_WARNING_GROUPS.has(group!))) {
        problems.push(`frame ${frame}: ${severity}/${group}: ${message}`);
      }
    }
  }
  return { protocols, problems };
}

/** Writes `bytes` to a fresh temporary directory and returns the file's path. */
export function writeTempPcap(bytes: Uint8Array, name = 'capture.pcap'): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-pcap-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The warning a test file prints once when it will skip because tshark is missing. */
export function warnIfNoTshark(what: string): void {
  if (!hasTshark()) {
    console.warn(
      `SKIPPED: tshark not installed, so ${what} did not run. Install it (apt-get install tshark) to run interop tests.`,
    );
  }
}
