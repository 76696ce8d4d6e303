/**
 * The CLI's timeline: each line a command printed, after the simulated time and the node
 * it ran on, so concurrent commands on several nodes read in order:
 *
 *   [  1.000000] h1 $ ping -c 3 10.0.2.10
 *   [  1.000000] h1   PING 10.0.2.10 (10.0.2.10) 56(84) bytes of data.
 *   [  1.000412] h1   64 bytes from 10.0.2.10: icmp_seq=1 ttl=63 time=0.412 ms
 *   [  3.000000] lab $ link down r1 r2
 */
import { formatSeconds } from '../../sim/time.ts';
import type { OutputLine } from '../../tools/shell/shell.ts';

export function timelineLine(line: OutputLine, nodeWidth = 0): string {
  const who = (line.node ?? 'lab').padEnd(nodeWidth);
  const mark = line.stream === 'cmd' ? '$' : ' ';
  return `[${formatSeconds(line.time).padStart(11)}] ${who} ${mark} ${line.text}`;
}

/** A JSON line for `--json`: time in ns and in seconds, node, stream, text, job. */
export function jsonLine(line: OutputLine): string {
  return JSON.stringify({
    t: line.time,
    s: formatSeconds(line.time),
    node: line.node ?? null,
    stream: line.stream,
    job: line.job,
    text: line.text,
  });
}
