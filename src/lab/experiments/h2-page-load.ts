/**
 * A page load over HTTP/2 driven by the HTTP/2 client itself, for the push experiment:
 * connect, GET `/`, scan the HTML for what it references (the browser's scanner), request
 * every reference at once on the same connection. With `push` the client announces
 * SETTINGS_ENABLE_PUSH = 1 and takes pushed responses from its push cache (RFC 9113 §8.4)
 * instead of requesting them; without, it announces 0 and the server pushes nothing.
 *
 * Why not netlab's browser: its connection pool disables push (it never announces
 * SETTINGS_ENABLE_PUSH = 1, as Chrome has not since version 106), so a push experiment
 * needs a client that accepts pushes. The steps are the browser's, without cookies,
 * redirects or stylesheet scanning: the page the experiment loads needs none of them.
 */
import { scanHtml, type ResourceKind } from '../../application/browser/subresource-scanner.ts';
import { connectHttp2, type H2ClientResponse } from '../../application/http2/client.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { simClock } from '../../sim/clock.ts';
import type { Time } from '../../sim/time.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import type { Network } from '../network.ts';

export interface H2Resource {
  readonly path: string;
  readonly kind: ResourceKind;
  readonly status: number;
  /** Came from the push cache. */
  readonly pushed: boolean;
  /** Its response header section arrived, ns after the load started. */
  readonly firstByte: Time;
  /** Its last byte arrived, ns after the load started. */
  readonly end: Time;
  readonly bytes: number;
}

export interface H2PageLoad {
  /** From the start (before the TCP connection) to the last byte of the last resource. */
  readonly loadTime: Time;
  /** The page first, then its references in document order. */
  readonly resources: readonly H2Resource[];
}

const decoder = new TextDecoder();

/**
 * Loads `http://address/` from the network's `client` node. Resolves once every resource
 * arrived; rejects with the client's error if one failed.
 */
export async function loadPageOverH2(network: Network, address: string, push: boolean): Promise<H2PageLoad> {
  const sim = network.sim;
  const start = sim.now;
  const stream = await network
    .requireNode('client')
    .requireService(TCP)
    .connect(address, 80, { noDelay: true });
  const client = connectHttp2(stream, {
    clock: simClock(sim),
    authority: address,
    deferred: () => sim.deferred(),
    enablePush: push,
    trace: { bus: sim.trace, node: 'client', connection: 1 },
  });
  const row = (path: string, kind: ResourceKind, r: H2ClientResponse): H2Resource => ({
    path,
    kind,
    status: r.status,
    pushed: r.pushed,
    firstByte: r.timing.firstByte - start,
    end: r.timing.end - start,
    bytes: r.body.length,
  });
  const page = await client.request({ path: '/' });
  if (page.status !== 200) throw new NetlabError('experiment-failed', `/: status ${page.status}`);
  const refs = scanHtml(decoder.decode(page.body)).refs;
  const responses = await Promise.all(refs.map((ref) => client.request({ path: ref.url })));
  const resources = [
    row('/', 'document', page),
    ...refs.map((ref, i) => row(ref.url, ref.kind, responses[i]!)),
  ];
  await client.close();
  return { loadTime: Math.max(...resources.map((r) => r.end)), resources };
}
