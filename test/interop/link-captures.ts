/**
 * Runs a scenario with a capture on every link (each cable, each shared bus), as a tap on
 * that cable would record it: one capture spanning several hops would show every segment
 * once per hop, which Wireshark rightly takes for retransmissions. Each capture keeps its
 * pcap bytes and a copy of every frame, in order, for comparing with what tshark reads.
 */
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import type { ScenarioSpec } from '../../src/lab/scenario/spec.ts';
import type { Channel } from '../../src/link/channel.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';

export interface LinkCapture {
  /** `node:iface-node:iface`, the link's ends. */
  readonly name: string;
  readonly chunks: Uint8Array[];
  readonly writer: PcapWriter;
  /** The frames written, copied (routers rewrite the buffers they forward). */
  readonly frames: Uint8Array[];
}

/** Every link's capture of a run of `spec` (links that carried nothing are left out). */
export async function captureLinks(spec: ScenarioSpec): Promise<LinkCapture[]> {
  const run = new ScenarioRun(spec);
  const byChannel = new Map<Channel, LinkCapture>();
  const byDevice = new Map<string, LinkCapture>();
  for (const l of run.network.links) {
    let c = byChannel.get(l.channel);
    if (!c) {
      const chunks: Uint8Array[] = [];
      c = {
        name: l.spec.endpoints.map((e) => `${e.node}:${e.interface}`).join('-'),
        chunks,
        writer: new PcapWriter((x) => chunks.push(x)),
        frames: [],
      };
      byChannel.set(l.channel, c);
    }
    for (const e of l.spec.endpoints) byDevice.set(`${e.node}:${e.interface}`, c);
  }
  run.sim.trace.on('link.tx', (e) => {
    const c = byDevice.get(`${e.node}:${e.iface}`);
    if (!c) return;
    c.writer.write(e.time, e.frame);
    c.frames.push(e.frame.slice());
  });
  await run.run();
  return [...byChannel.values()].filter((c) => c.writer.records > 0);
}
