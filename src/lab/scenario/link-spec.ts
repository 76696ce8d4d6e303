/**
 * A file link's final numbers: its settings over `defaults.link`, or — for a link to a hub
 * or bus — the shared medium's rate, delay and loss with the link's queue and MTU. Setting
 * rate, delay, loss, duplicate, jitter or a preset on such a link is an error (they belong
 * on the medium), and a byte queue too small for one full frame is a warning.
 */
import type { Time } from '../../sim/time.ts';
import { type DraftLink, type DraftNode, isMedium, kindOf } from './draft.ts';
import type { ProblemList } from './problem.ts';
import { type LinkSettings, resolveLinkParams, settingPosition } from './read-links.ts';
import type { LinkSpec } from './spec.ts';

/** Ethernet header bytes on top of the MTU in a full frame. */
const ETHERNET_HEADER = 14;

export function linkSpec(
  link: DraftLink,
  own: LinkSettings,
  defaults: LinkSettings,
  nodes: ReadonlyMap<string, DraftNode>,
  problems: ProblemList,
): LinkSpec {
  const params = resolveLinkParams(defaults, own);
  const endpoints = [
    { node: link.endpoints[0].node, interface: link.endpoints[0].interface! },
    { node: link.endpoints[1].node, interface: link.endpoints[1].interface! },
  ] as const;
  const queue = params.queue;
  const frame = params.mtu + ETHERNET_HEADER;
  if ('bytes' in queue && queue.bytes < frame) {
    const at = settingPosition(own, 'queue') ?? settingPosition(defaults, 'queue') ?? link.at;
    problems.warning(
      at,
      `${link.path}.queue`,
      `a queue of ${queue.bytes} bytes cannot hold one full frame (${frame} bytes with MTU ${params.mtu}); every full-size frame will be dropped`,
    );
  }
  const medium = link.endpoints.map((e) => nodes.get(e.node)!).find((n) => isMedium(kindOf(n)));
  if (!medium) return { endpoints, ...params };
  for (const key of ['preset', 'rate', 'delay', 'loss', 'duplicate', 'jitter'] as const) {
    const at = settingPosition(own, key);
    if (at) {
      problems.error(
        at,
        `${link.path}.${key}`,
        `${key}: a link to ${kindOf(medium)} '${medium.name}' is an attachment to its shared medium; set rate, delay and loss on node '${medium.name}'`,
      );
    }
  }
  const m = medium.fields as { rate: number; delay: Time; loss: number };
  return { endpoints, ...params, rate: m.rate, delay: m.delay, loss: m.loss, duplicate: 0, jitter: 0 };
}
