/**
 * The simulation worker: the thin adapter between the page and the lab engine. It owns
 * the only real clock in the simulation's thread — playing at a speed means advancing the
 * simulated clock by `speed` × the wall time that passed — and answers the page's
 * requests. Everything it does to the run goes through the engine's journaled actions.
 *
 * Work is done in slices of at most ~12 ms of wall time, so requests (a scroll of the
 * packet list, a keystroke in a terminal) are answered between slices even while a heavy
 * scenario runs flat out. When the simulation cannot keep up with the chosen speed it
 * runs as fast as it can and the tick reports the speed it really achieves.
 */
import { NetlabError } from '../../../src/bytes/netlab-error.ts';
import { formatProblem, parseScenario, ScenarioError } from '../../../src/lab/scenario/index.ts';
import type { ScenarioSpec } from '../../../src/lab/scenario/spec.ts';
import type { TcpSeries } from '../engine/charts.ts';
import { type EngineOptions, LabEngine, outputJson, traceJson } from '../engine/lab-engine.ts';
import type { ChartData, Replies, Request, ScenarioInfo, Tick, WorkerMessage } from './protocol.ts';

interface Port {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<{ id: number; request: Request }>) => void) | null;
}

const port = self as unknown as Port;

const SLICE_MS = 12;
const TICK_MS = 33;
const MIN_SPEED = 0.001;
const MAX_SPEED = 1000;

let spec: ScenarioSpec | null = null;
let info: ScenarioInfo | null = null;
let seed = 1;
let engine: LabEngine | null = null;
let playing = false;
let busy = false;
let speed = 1;
let anchorWall = 0;
let anchorSim = 0;
/** Simulated ns advanced per wall ms, sliding over the last second. */
let rateSamples: { wall: number; sim: number }[] = [];
/** Simulated ns per advance call, adapted so one call takes about CALL_MS of wall time. */
let chunk = 1_000_000;
const CALL_MS = 4;
let lastTick = 0;
let loopRunning = false;
/** Set by a pause to stop a jump forward that is still running. */
let seekCancelled = false;

/** One thing at a time touches the run: the play loop's slices and the actions queue here. */
let lock: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const next = lock.then(fn, fn);
  lock = next.catch(() => undefined);
  return next;
}

function need(): LabEngine {
  if (!engine) throw new NetlabError('no-scenario', 'no scenario is loaded');
  return engine;
}

function post(message: WorkerMessage, transfer: Transferable[] = []): void {
  port.postMessage(message, transfer);
}

function effectiveSpeed(): number {
  if (rateSamples.length < 2) return playing ? speed : 0;
  const a = rateSamples[0]!;
  const b = rateSamples[rateSamples.length - 1]!;
  if (b.wall - a.wall < 1) return speed;
  return (b.sim - a.sim) / 1e6 / (b.wall - a.wall);
}

function sendTick(): void {
  const e = engine;
  if (!e) return;
  lastTick = performance.now();
  const { flights, skipped } = e.drainFlights();
  const utilisation = e.drainUtilisation();
  const tick: Tick = {
    kind: 'tick',
    now: e.sim.now,
    events: e.sim.eventsExecuted,
    pending: e.sim.pending,
    playing,
    ended: e.ended,
    busy,
    speed,
    effectiveSpeed: effectiveSpeed(),
    packets: e.capture.count,
    visible: e.visibleCount(),
    captureDropped: e.capture.dropped,
    output: e.drainOutput(),
    jobEnds: e.drainJobEnds(),
    flights,
    flightsSkipped: skipped,
    drops: e.drainDrops(),
    utilisation,
    ...(e.takeStateChange()
      ? { state: { links: e.linkStates(), nodes: e.nodeStates(), downIfaces: e.downInterfaces() } }
      : {}),
  };
  post(tick, [utilisation.buffer]);
}

function reloaded(reason: 'load' | 'reset' | 'seek'): void {
  const e = need();
  info = { ...info!, seed };
  post({ kind: 'reloaded', scenario: info, topology: e.topology, reason });
  sendTick();
}

/** "Decrypt TLS with the run's keys": kept across resets and jumps, which build new engines. */
let decryptTls = true;

function options(): EngineOptions {
  return { seed, decryptTls };
}

function startPlaying(): void {
  if (!engine || playing) return;
  playing = true;
  anchorWall = performance.now();
  anchorSim = engine.sim.now;
  rateSamples = [];
  if (!loopRunning) void loop();
}

function stopPlaying(): void {
  playing = false;
  rateSamples = [];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sizes the next call from how long one of `used` simulated ns took (`ms`). */
function adapt(used: number, ms: number): void {
  if (used < chunk) return; // a call cut short by the target says nothing about the size
  const factor = ms <= 0.05 ? 4 : Math.min(4, Math.max(0.01, CALL_MS / ms));
  chunk = Math.min(1e13, Math.max(1000, chunk * factor));
}

async function loop(): Promise<void> {
  loopRunning = true;
  try {
    while (playing && engine) {
      const started = performance.now();
      await exclusive(async () => {
        const e = engine;
        if (!e || !playing) return;
        const wasEnded = e.ended;
        // Never more than a few slices behind: a simulation that cannot keep up runs as
        // fast as it can, without piling up a debt it would then pay in one long call.
        const perSlice = speed * 1e6 * SLICE_MS;
        if (anchorSim + (started - anchorWall) * 1e6 * speed > e.sim.now + perSlice * 3) {
          anchorSim = e.sim.now + perSlice;
          anchorWall = started;
        }
        const target = anchorSim + (performance.now() - anchorWall) * 1e6 * speed;
        const deadline = started + SLICE_MS;
        while (e.sim.now < target && performance.now() < deadline) {
          // Stop exactly at the script's end: playing pauses there.
          const step = Math.min(chunk, perSlice);
          const next = Math.min(target, e.sim.now + step, e.ended ? Number.POSITIVE_INFINITY : e.duration);
          const t0 = performance.now();
          await e.advanceTo(Math.ceil(next));
          adapt(step, performance.now() - t0);
          if (!wasEnded && e.ended) break;
        }
        const now = performance.now();
        rateSamples.push({ wall: now, sim: e.sim.now });
        while (rateSamples.length > 2 && now - rateSamples[0]!.wall > 1000) rateSamples.shift();
        if (!wasEnded && e.ended) stopPlaying();
      });
      if (performance.now() - lastTick >= TICK_MS || !playing) sendTick();
      const spent = performance.now() - started;
      await sleep(Math.max(0, 16 - spent));
    }
  } finally {
    loopRunning = false;
  }
}

function load(text: string, fileName: string, withSeed?: number): Replies['load'] {
  let parsed: ReturnType<typeof parseScenario>;
  try {
    parsed = parseScenario(text, fileName);
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, problems: e.problems.map(formatProblem) };
    throw e;
  }
  stopPlaying();
  spec = parsed.spec;
  seed = withSeed ?? spec.seed;
  engine = new LabEngine(spec, options());
  info = {
    name: spec.name,
    fileName,
    description: spec.description,
    descriptionKo: spec.descriptionKo,
    seed,
    duration: spec.duration,
    nodes: spec.nodes.length,
    links: spec.links.length,
    warnings: parsed.warnings.map(formatProblem),
    commands: [...engine.run.env.commands.keys()].sort(),
  };
  reloaded('load');
  return { ok: true, scenario: info };
}

async function seek(time: number): Promise<void> {
  const e = need();
  if (!(Number.isFinite(time) && time >= 0)) throw new NetlabError('bad-time', `cannot jump to ${time}`);
  const t = Math.round(time);
  stopPlaying();
  if (t >= e.sim.now) {
    busy = true;
    seekCancelled = false;
    try {
      while (e.sim.now < t && engine === e && !seekCancelled) {
        const t0 = performance.now();
        const step = chunk;
        await e.advanceTo(Math.min(t, e.sim.now + step));
        adapt(step, (performance.now() - t0) / 5); // jumps take longer calls: fewer ticks, more work
        if (performance.now() - lastTick >= TICK_MS) {
          sendTick();
          await sleep(0);
        }
      }
    } finally {
      busy = false;
    }
    sendTick();
    return;
  }
  busy = true;
  sendTick();
  try {
    engine = await LabEngine.replay(spec!, e.journal, { time: t }, options());
  } finally {
    busy = false;
  }
  reloaded('seek');
}

function charts(links: readonly number[] | null, tcpKey: string | null): ChartData {
  const e = need();
  const c = e.charts;
  const bins = c.throughput.length;
  const totals = e.topology.links.map((_, i) => c.throughput.total(i * 2) + c.throughput.total(i * 2 + 1));
  const chosen =
    links ??
    totals
      .map((t, i) => [t, i] as const)
      .filter(([t]) => t > 0)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 4)
      .map(([, i]) => i);
  const perSecond = 8e9 / c.throughput.width;
  const series = (k: number) => Array.from({ length: bins }, (_, i) => c.throughput.value(k, i) * perSecond);
  const keys = [...c.tcp.keys()];
  // By default the busiest sender: the side whose window moved most is the one sending data.
  const busiest = [...c.tcp.values()].reduce<TcpSeries | undefined>(
    (best, x) => (!best || x.cwnd.points().t.length > best.cwnd.points().t.length ? x : best),
    undefined,
  );
  const s = c.tcp.get(tcpKey ?? '') ?? busiest;
  return {
    binWidth: c.throughput.width,
    bins,
    totals,
    links: chosen
      .filter((i) => i >= 0 && i < e.topology.links.length)
      .map((i) => ({ index: i, series: [series(i * 2), series(i * 2 + 1)] as [number[], number[]] })),
    tcpKeys: keys,
    tcp: s
      ? {
          key: s.key,
          cwnd: s.cwnd.points(),
          ssthresh: s.ssthresh.points(),
          srtt: s.srtt.points(),
          rtt: s.rtt.points(),
        }
      : null,
    waterfall: c.waterfall.slice(0, 2000),
  };
}

async function exportTrace(): Promise<Replies['trace']> {
  const e = need();
  const chunks: string[] = [];
  let part: string[] = [];
  let size = 0;
  let lines = 0;
  const add = (line: string) => {
    part.push(line);
    size += line.length + 1;
    lines++;
    if (size >= 1 << 20) {
      chunks.push(`${part.join('\n')}\n`);
      part = [];
      size = 0;
    }
  };
  busy = true;
  try {
    await LabEngine.replay(spec!, e.journal, e.position(), {
      ...options(),
      collect: false,
      onTrace: (ev) => add(traceJson(ev)),
      onOutput: (line) => add(outputJson(line)),
    });
  } finally {
    busy = false;
  }
  if (part.length) chunks.push(`${part.join('\n')}\n`);
  return { chunks, lines };
}

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'load':
      return exclusive(async () => load(request.text, request.fileName, request.seed));
    case 'play':
      startPlaying();
      sendTick();
      return null;
    case 'pause':
      stopPlaying();
      seekCancelled = true;
      await lock;
      sendTick();
      return null;
    case 'speed': {
      const s = request.speed;
      if (!(s >= MIN_SPEED && s <= MAX_SPEED))
        throw new NetlabError('bad-speed', `speed must be in ${MIN_SPEED}..${MAX_SPEED}, got ${s}`);
      if (engine) {
        anchorSim = engine.sim.now;
        anchorWall = performance.now();
      }
      speed = s;
      rateSamples = [];
      sendTick();
      return null;
    }
    case 'step':
      return exclusive(async () => {
        stopPlaying();
        const stepped = await need().step();
        sendTick();
        return { stepped };
      });
    case 'seek':
      return exclusive(() => seek(request.time));
    case 'reset':
      return exclusive(async () => {
        if (!spec) throw new NetlabError('no-scenario', 'no scenario is loaded');
        if (!(Number.isInteger(request.seed) && request.seed >= 0 && request.seed <= 0xffff_ffff))
          throw new NetlabError('bad-seed', `a seed is a whole number 0..4294967295, got ${request.seed}`);
        stopPlaying();
        seed = request.seed;
        engine = new LabEngine(spec, options());
        reloaded('reset');
        return null;
      });
    case 'shell':
      return exclusive(async () => {
        const r = await need().apply({ kind: 'shell', node: request.node, line: request.line });
        sendTick();
        return { job: r.job! };
      });
    case 'interrupt':
      return exclusive(async () => {
        const e = need();
        const jobs = e.runningJobs(request.node);
        const job = jobs[jobs.length - 1];
        if (job === undefined) return { interrupted: false };
        await e.apply({ kind: 'interrupt', job });
        sendTick();
        return { interrupted: true };
      });
    case 'link':
      return exclusive(async () => {
        const { link, up, delay, loss } = request;
        await need().apply({ kind: 'link', link, up, delay, loss });
        sendTick();
        return null;
      });
    case 'node':
      return exclusive(async () => {
        await need().apply({ kind: 'node', node: request.node, up: request.up });
        sendTick();
        return null;
      });
    case 'rows': {
      const e = need();
      return { rows: e.rows(request.from, request.to), total: e.visibleCount() };
    }
    case 'rowOf':
      return { row: need().rowOf(request.packet) };
    case 'filter':
      return need().setFilter(request.text);
    case 'packet': {
      const e = need();
      if (!(request.index >= 0 && request.index < e.capture.count)) return null;
      return e.inspect(request.index);
    }
    case 'decrypt':
      decryptTls = request.on;
      if (engine) engine.decryptTls = request.on;
      return { visible: engine?.visibleCount() ?? 0 };
    case 'keylog': {
      const e = need();
      return { text: e.tls.keyLogText(), lines: e.tls.keyLogSize };
    }
    case 'tables':
      return exclusive(() => need().tables(request.node));
    case 'linkInfo':
      return need().linkInfo(request.link);
    case 'conversations':
      return need().sequence.summaries();
    case 'ladder': {
      const e = need();
      return e.sequence.diagram(request.conversation, request.offset, request.limit, (i) => e.row(i));
    }
    case 'charts':
      return charts(request.links, request.tcp);
    case 'pcap': {
      const e = need();
      return { chunks: e.pcapChunks(), packets: e.capture.count, complete: !e.capture.full };
    }
    case 'trace':
      return exclusive(async () => {
        const was = playing;
        stopPlaying();
        const r = await exportTrace();
        if (was) startPlaying();
        return r;
      });
  }
}

port.onmessage = (ev) => {
  const { id, request } = ev.data;
  handle(request).then(
    (value) => {
      const transfer: Transferable[] = [];
      if (request.type === 'pcap') for (const c of (value as Replies['pcap']).chunks) transfer.push(c.buffer);
      if (request.type === 'packet' && value) {
        const d = value as Replies['packet'] & object;
        transfer.push(d.bytes.buffer, ...d.sources.map((s) => s.bytes.buffer));
      }
      post({ kind: 'reply', id, ok: true, value }, transfer);
    },
    (e: unknown) => {
      post({ kind: 'reply', id, ok: false, error: e instanceof Error ? e.message : String(e) });
    },
  );
};
