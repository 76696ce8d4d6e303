/**
 * The simulated browser: type a URL and it does what the course's "what happens when you
 * type a URL" describes, each step observable on the trace bus.
 *
 * 1. The URL is parsed by WHATWG rules and broken down (url-breakdown.ts).
 * 2. The host is resolved (host-cache.ts over the node's resolver), timed.
 * 3. A connection to the origin is opened or reused (connection-pool.ts: 6 per origin,
 *    the origin's protocol: HTTP/1.0, 1.1 keep-alive, 1.1 pipelining or h2).
 * 4. The page is requested with the headers a browser sends (User-Agent, Accept by
 *    resource kind, Referer by the strict-origin-when-cross-origin policy, Cookie from the
 *    jar), redirects 301/302/303/307/308 are followed (at most 20, the Fetch standard's
 *    limit; a 303, and a 301/302 of a POST, become GET), Set-Cookie is stored.
 * 5. The HTML is scanned for subresources (subresource-scanner.ts), which are fetched at
 *    once through the pool; stylesheets are scanned in turn for @import and url().
 * 6. The load ends when every resource has finished or failed: its page-load time is
 *    from the navigation to the last resource's end (the `load` event).
 *
 * A failed subresource (network error, 404) is recorded in the waterfall and does not
 * fail the page; only the document itself can. Bounds, all options of `limits`:
 *
 * | limit | default | what happens |
 * | --- | --- | --- |
 * | maxRedirects | 20 | the 21st redirect is 'browser-too-many-redirects' |
 * | maxResources | 1000 | resources per page (document, redirects, subresources); more are skipped and counted |
 * | maxResourceBytes | 10 MiB | a larger body fails that resource ('browser-response-too-large') |
 * | maxPageBytes | 64 MiB | once the page has received this much, further resources are skipped |
 * | maxScanBytes | 2 MiB | characters of a document or stylesheet scanned for references |
 * | maxImportDepth | 4 | levels of stylesheet @import followed |
 * | connectTimeout / responseTimeout | 30 s / 30 s | 'browser-timed-out' |
 * | maxConnectionsPerHost / pipelineDepth | 6 / 8 | connection pool |
 *
 * Left out: caching (every load is a cold load), scripts, rendering, forms, service
 * workers, compression (no Accept-Encoding is sent), HTTP authentication.
 */
import type { Clock } from '../../sim/clock.ts';
import type { Deferred } from '../../sim/simulator.ts';
import { SECOND, simWallClockMs, type Time } from '../../sim/time.ts';
import type { TraceBus } from '../../sim/trace.ts';
import { BrowserError } from './browser-error.ts';
import {
  ConnectionPool,
  type PoolResponse,
  type SecureConnector,
  type StreamConnect,
} from './connection-pool.ts';
import { CookieJar } from './cookie-jar.ts';
import { HostCache, type NameLookup } from './host-cache.ts';
import type { BrowserProtocol, ConnectionRecord, ResourceTiming } from './resource-timing.ts';
import { type ResourceKind, scanCss, scanHtml } from './subresource-scanner.ts';
import { breakDownParsed, breakDownUrl, sameSite, type UrlBreakdown } from './url-breakdown.ts';
import './trace-events.ts';

export interface BrowserLimits {
  readonly maxConnectionsPerHost: number;
  readonly pipelineDepth: number;
  readonly maxRedirects: number;
  readonly maxResources: number;
  readonly maxResourceBytes: number;
  readonly maxPageBytes: number;
  readonly maxScanBytes: number;
  readonly maxImportDepth: number;
  readonly connectTimeout: Time;
  readonly responseTimeout: Time;
}

export const DEFAULT_BROWSER_LIMITS: BrowserLimits = {
  maxConnectionsPerHost: 6,
  pipelineDepth: 8,
  maxRedirects: 20,
  maxResources: 1000,
  maxResourceBytes: 10 * 1024 * 1024,
  maxPageBytes: 64 * 1024 * 1024,
  maxScanBytes: 2 * 1024 * 1024,
  maxImportDepth: 4,
  connectTimeout: 30 * SECOND,
  responseTimeout: 30 * SECOND,
};

export const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) netlab-browser/0.1';

export interface BrowserOptions {
  readonly clock: Clock;
  /** Names to addresses (the node's resolver). */
  readonly lookup: NameLookup;
  /** Opens a TCP connection. */
  readonly connect: StreamConnect;
  /** TLS for https origins (not given: https fails with 'browser-no-tls'). */
  readonly secure?: SecureConnector;
  /** Promise factory for HTTP/2 sessions; in a simulation `() => sim.deferred()`. */
  readonly deferred?: <T>() => Deferred<T>;
  readonly trace?: TraceBus;
  /** Node name in trace events. Default 'browser'. */
  readonly node?: string;
  /** The protocol of every origin, or a choice per origin. Default 'http1.1'. */
  readonly protocol?: BrowserProtocol | ((origin: UrlBreakdown) => BrowserProtocol);
  readonly limits?: Partial<BrowserLimits>;
  /** Default BROWSER_USER_AGENT. */
  readonly userAgent?: string;
  /** Wall-clock ms since the epoch (cookie expiry). Default the simulated wall clock (src/sim/time.ts). */
  readonly wallClock?: () => number;
  readonly cookies?: CookieJar;
  /** How long resolved names are kept. Default 60 s. */
  readonly dnsCacheTtl?: Time;
  /**
   * Accept HTTP/2 server push (SETTINGS_ENABLE_PUSH 1) and take pushed responses from the
   * push cache. Default true, as the course teaches push; Chrome turned it off in 2022
   * (version 106), which `push: false` models.
   */
  readonly push?: boolean;
}

export interface PageLoad {
  /** What was typed. */
  readonly input: string;
  /** The URL as requested, broken down; undefined when it did not parse. */
  readonly url: UrlBreakdown | undefined;
  /** The document's URL after redirects. */
  readonly finalUrl: string | undefined;
  /** The document's status. */
  readonly status: number | undefined;
  /** Why the document could not be loaded (subresource failures are in `resources`). */
  readonly error: BrowserError | undefined;
  readonly start: Time;
  readonly end: Time;
  /** `end - start`: the page-load time. */
  readonly loadTime: Time;
  /** Every resource in the order discovered, redirects as their own rows. */
  readonly resources: readonly ResourceTiming[];
  /** Connections opened during this load. */
  readonly connections: readonly ConnectionRecord[];
  /** Body bytes received. */
  readonly bytes: number;
  /** References not fetched because of the limits. */
  readonly skipped: number;
  /** The final document's body. */
  readonly document: Uint8Array | undefined;
}

const ACCEPT: Record<ResourceKind, string> = {
  document: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  stylesheet: 'text/css,*/*;q=0.1',
  script: '*/*',
  image: 'image/avif,image/webp,image/apng,*/*;q=0.8',
  font: '*/*',
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const decoder = new TextDecoder();

export class Browser {
  readonly cookies: CookieJar;
  readonly pool: ConnectionPool;
  readonly hosts: HostCache;
  readonly limits: BrowserLimits;
  readonly node: string;
  readonly userAgent: string;
  private readonly wallClock: () => number;

  constructor(readonly options: BrowserOptions) {
    this.limits = { ...DEFAULT_BROWSER_LIMITS, ...options.limits };
    this.node = options.node ?? 'browser';
    this.userAgent = options.userAgent ?? BROWSER_USER_AGENT;
    this.cookies = options.cookies ?? new CookieJar();
    const clock = options.clock;
    this.wallClock = options.wallClock ?? (() => simWallClockMs(clock.now()));
    this.hosts = new HostCache({
      lookup: options.lookup,
      clock,
      ttl: options.dnsCacheTtl ?? 60 * SECOND,
      trace: options.trace,
      node: this.node,
    });
    this.pool = new ConnectionPool({
      clock,
      connect: options.connect,
      secure: options.secure,
      deferred: options.deferred,
      trace: options.trace,
      node: this.node,
      maxPerOrigin: this.limits.maxConnectionsPerHost,
      pipelineDepth: this.limits.pipelineDepth,
      maxBodyBytes: this.limits.maxResourceBytes,
      connectTimeout: this.limits.connectTimeout,
      responseTimeout: this.limits.responseTimeout,
      ...(options.push !== undefined ? { push: options.push } : {}),
    });
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** The protocol used for an origin. */
  protocolFor(url: UrlBreakdown): BrowserProtocol {
    const p = this.options.protocol ?? 'http1.1';
    return typeof p === 'function' ? p(url) : p;
  }

  /** Loads a page and everything it references. Never rejects: failures are in the result. */
  async navigate(input: string): Promise<PageLoad> {
    const load = new PageLoader(this, input);
    return load.run();
  }

  /** Closes every connection (each TCP connection then goes through its 4-way close). */
  close(): void {
    this.pool.close();
  }

  /** @internal */
  now(): number {
    return this.wallClock();
  }

  /** @internal */
  trace(): TraceBus | undefined {
    return this.options.trace;
  }
}

interface HopResult {
  readonly timing: ResourceTiming;
  readonly response?: PoolResponse;
  readonly url: UrlBreakdown;
}

/** One navigation: the document, its redirects and subresources. */
class PageLoader {
  private readonly resources: ResourceTiming[] = [];
  private readonly seen = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly start: Time;
  private readonly firstConnection: number;
  private bytes = 0;
  private skipped = 0;
  private nextId = 0;
  private top: UrlBreakdown | undefined;

  constructor(
    private readonly browser: Browser,
    private readonly input: string,
  ) {
    this.start = browser.clock.now();
    this.firstConnection = browser.pool.records.length;
  }

  async run(): Promise<PageLoad> {
    const b = this.browser;
    const parsed = breakDownUrl(this.input);
    const t = b.trace();
    if (t?.wants('browser.navigate')) {
      t.emit({
        type: 'browser.navigate',
        time: b.clock.now(),
        node: b.node,
        input: this.input,
        url: parsed instanceof BrowserError ? undefined : parsed,
        protocol: parsed instanceof BrowserError ? '' : b.protocolFor(parsed),
        ...(parsed instanceof BrowserError ? { error: parsed.netError } : {}),
      });
    }
    if (parsed instanceof BrowserError)
      return this.finish(undefined, undefined, undefined, parsed, undefined);
    this.seen.add(parsed.href);
    let doc: Awaited<ReturnType<PageLoader['fetchFollowing']>>;
    try {
      doc = await this.fetchFollowing(parsed, 'document', undefined, 'GET');
    } catch (e) {
      const err = e instanceof BrowserError ? e : new BrowserError('browser-aborted', String(e), e);
      return this.finish(parsed, undefined, undefined, err, undefined);
    }
    let document: Uint8Array | undefined;
    if (doc.response) {
      document = doc.response.body;
      this.top = doc.url;
      if (isHtml(doc.response, doc.url)) this.discoverIn(document, doc.url, 'html', 0);
    } else this.top = doc.url;
    // Wait for every subresource (tasks add more tasks as stylesheets are scanned).
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
    const error = doc.response ? undefined : doc.error;
    return this.finish(parsed, doc.url.href, doc.response?.status, error, document);
  }

  private finish(
    url: UrlBreakdown | undefined,
    finalUrl: string | undefined,
    status: number | undefined,
    error: BrowserError | undefined,
    document: Uint8Array | undefined,
  ): PageLoad {
    const b = this.browser;
    const end = this.resources.reduce((m, r) => Math.max(m, r.end), b.clock.now());
    const connections = b.pool.records.slice(this.firstConnection);
    const page: PageLoad = {
      input: this.input,
      url,
      finalUrl,
      status,
      error,
      start: this.start,
      end,
      loadTime: end - this.start,
      resources: this.resources,
      connections,
      bytes: this.bytes,
      skipped: this.skipped,
      document,
    };
    const t = b.trace();
    if (t?.wants('browser.done')) {
      t.emit({
        type: 'browser.done',
        time: b.clock.now(),
        node: b.node,
        url: finalUrl ?? this.input,
        loadTime: page.loadTime,
        resources: this.resources.length,
        failed: this.resources.filter((r) => r.error).length,
        bytes: this.bytes,
        connections: connections.length,
        ...(error ? { error: error.netError } : {}),
      });
    }
    return page;
  }

  /** Scans a document or stylesheet and starts fetching what it references. */
  private discoverIn(body: Uint8Array, from: UrlBreakdown, type: 'html' | 'css', depth: number): void {
    const limit = this.browser.limits.maxScanBytes;
    const text = decoder.decode(body.length > limit ? body.subarray(0, limit) : body);
    const scanLimits = { maxInput: limit, maxRefs: this.browser.limits.maxResources };
    const scan = type === 'html' ? scanHtml(text, scanLimits) : scanCss(text, scanLimits);
    this.skipped += scan.dropped;
    let base = from.href;
    if (scan.base !== undefined) {
      try {
        base = new URL(scan.base, from.href).href;
      } catch {
        // an unusable <base href> is ignored
      }
    }
    for (const ref of scan.refs) {
      let url: URL;
      try {
        url = new URL(ref.url, base);
      } catch {
        continue; // not a URL at all: a browser ignores it too
      }
      url.hash = '';
      if (this.seen.has(url.href)) continue;
      this.seen.add(url.href);
      if (ref.kind === 'stylesheet' && depth >= this.browser.limits.maxImportDepth && type === 'css') {
        this.skipped++;
        continue;
      }
      const href = url.href;
      const started = this.browser.clock.now();
      // Whatever goes wrong with one subresource stays in its row: the page load never rejects.
      const task = this.subresource(url, ref.kind, from.href, depth).catch((e: unknown) => {
        const err = e instanceof BrowserError ? e : new BrowserError('browser-aborted', String(e), e);
        this.record(this.failed(++this.nextId, href, ref.kind, from.href, started, err));
      });
      this.tasks.add(task);
      void task.finally(() => this.tasks.delete(task));
    }
  }

  private async subresource(url: URL, kind: ResourceKind, initiator: string, depth: number): Promise<void> {
    const parsed = breakDownParsed(url);
    if (parsed instanceof BrowserError) {
      this.record(this.failed(++this.nextId, url.href, kind, initiator, this.browser.clock.now(), parsed));
      return;
    }
    const r = await this.fetchFollowing(parsed, kind, initiator, 'GET');
    if (kind === 'stylesheet' && r.response && r.response.status >= 200 && r.response.status < 300) {
      this.discoverIn(r.response.body, r.url, 'css', depth + 1);
    }
  }

  /** Fetches `url`, following redirects; the last hop's response (or the error). */
  private async fetchFollowing(
    first: UrlBreakdown,
    kind: ResourceKind,
    initiator: string | undefined,
    method: string,
  ): Promise<{ url: UrlBreakdown; response?: PoolResponse; error?: BrowserError }> {
    const limits = this.browser.limits;
    let url = first;
    let previous: UrlBreakdown | undefined;
    for (let redirects = 0; ; redirects++) {
      const hop = await this.fetchOnce(url, kind, initiator, method, previous);
      const res = hop.response;
      if (!res) {
        // A fetch the page's limits refused is counted in `skipped`, not shown as a row.
        if (hop.timing.error?.code !== 'browser-page-limit') this.record(hop.timing);
        return { url, error: errorOf(hop.timing) };
      }
      const location = header(res.headers, 'location');
      if (!REDIRECTS.has(res.status) || location === undefined) {
        this.record(hop.timing);
        return { url, response: res };
      }
      let next: UrlBreakdown | BrowserError;
      try {
        next = breakDownParsed(new URL(location, url.href));
      } catch {
        next = new BrowserError('browser-bad-redirect', `Location is not a URL: ${JSON.stringify(location)}`);
      }
      if (!(next instanceof BrowserError) && redirects >= limits.maxRedirects) {
        next = new BrowserError('browser-too-many-redirects', `more than ${limits.maxRedirects} redirects`);
      }
      if (next instanceof BrowserError) {
        const timing = { ...hop.timing, error: errorFields(next) };
        this.record(timing);
        return { url, error: next };
      }
      this.record({ ...hop.timing, redirectTo: next.href });
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST'))
        method = 'GET';
      previous = url;
      url = next;
    }
  }

  /** One request and its response, timed. */
  private async fetchOnce(
    url: UrlBreakdown,
    kind: ResourceKind,
    initiator: string | undefined,
    method: string,
    redirectedFrom: UrlBreakdown | undefined,
  ): Promise<HopResult> {
    const b = this.browser;
    const clock = b.clock;
    const start = clock.now();
    if (
      this.resources.length + this.inFlightCount >= b.limits.maxResources ||
      this.bytes >= b.limits.maxPageBytes
    ) {
      this.skipped++;
      const err = new BrowserError('browser-page-limit', 'the page reached its resource or byte limit');
      return { url, timing: this.failed(0, url.href, kind, initiator, start, err) };
    }
    const id = ++this.nextId;
    this.inFlightCount++;
    try {
      const resolved = await b.hosts.resolve(url.host, url.hostKind);
      if (resolved instanceof BrowserError) {
        return { url, timing: this.failed(id, url.href, kind, initiator, start, resolved) };
      }
      const dns =
        resolved.dnsStart !== undefined ? { dnsStart: resolved.dnsStart, dnsEnd: resolved.dnsEnd! } : {};
      const protocol = b.protocolFor(url);
      const headers: [string, string][] = [];
      if (protocol !== 'http1.0' && protocol !== 'h2') headers.push(['Connection', 'keep-alive']);
      headers.push(['User-Agent', b.userAgent], ['Accept', ACCEPT[kind]]);
      const referrer = refererFor(initiator ?? redirectedFrom?.href, url);
      if (referrer !== undefined) headers.push(['Referer', referrer]);
      const topLevel = kind === 'document';
      const site = topLevel ? redirectedFrom : this.top;
      const cookie = b.cookies.cookieHeader({ scheme: url.scheme, host: url.host, path: url.path }, b.now(), {
        crossSite: site !== undefined && !sameSite(site, url),
        topLevelNavigation: topLevel && method === 'GET',
      });
      if (cookie !== undefined) headers.push(['Cookie', cookie]);
      let res: PoolResponse;
      try {
        res = await b.pool.fetch({ scheme: url.scheme, host: url.host, port: url.port }, protocol, {
          method,
          target: url.target,
          authority: url.authority,
          headers,
          address: resolved.addresses[0]!,
        });
      } catch (e) {
        const err =
          e instanceof BrowserError ? e : new BrowserError('browser-connection-closed', String(e), e);
        return { url, timing: { ...this.failed(id, url.href, kind, initiator, start, err), ...dns } };
      }
      this.bytes += res.body.length;
      this.storeCookies(res, url);
      const timing: ResourceTiming = {
        id,
        url: url.href,
        kind,
        initiator,
        status: res.status,
        protocol: res.protocol,
        size: res.body.length,
        contentType: header(res.headers, 'content-type'),
        start,
        ...dns,
        ...(res.connectStart !== undefined
          ? { connectStart: res.connectStart, connectEnd: res.connectEnd ?? res.connectStart }
          : {}),
        ...(res.tlsStart !== undefined ? { tlsStart: res.tlsStart, tlsEnd: res.tlsEnd ?? res.tlsStart } : {}),
        requestStart: res.requestStart,
        responseStart: res.responseStart,
        end: res.end,
        connection: res.connection,
        reused: res.reused,
        ...(res.pushed ? { pushed: true } : {}),
      };
      return { url, timing, response: res };
    } finally {
      this.inFlightCount--;
    }
  }

  private inFlightCount = 0;

  private storeCookies(res: PoolResponse, url: UrlBreakdown): void {
    const b = this.browser;
    const t = b.trace();
    for (const [name, value] of res.headers) {
      if (name.toLowerCase() !== 'set-cookie') continue;
      const outcome = b.cookies.setCookie(
        value,
        { scheme: url.scheme, host: url.host, path: url.path },
        b.now(),
      );
      if (!t?.wants('browser.cookie')) continue;
      const cookieName = value.split(/[=;]/)[0]!.trim();
      t.emit({
        type: 'browser.cookie',
        time: b.clock.now(),
        node: b.node,
        url: url.href,
        name: outcome.ok ? outcome.cookie.name : cookieName,
        domain: outcome.ok ? outcome.cookie.domain : url.host,
        path: outcome.ok ? outcome.cookie.path : '',
        action: outcome.ok ? outcome.action : 'rejected',
        ...(outcome.ok ? {} : { reason: outcome.reason === 'parse' ? outcome.error.code : outcome.reason }),
      });
    }
  }

  private failed(
    id: number,
    url: string,
    kind: ResourceKind,
    initiator: string | undefined,
    start: Time,
    err: BrowserError,
  ): ResourceTiming {
    return {
      id,
      url,
      kind,
      initiator,
      status: undefined,
      protocol: undefined,
      size: 0,
      contentType: undefined,
      start,
      requestStart: undefined,
      responseStart: undefined,
      end: this.browser.clock.now(),
      connection: undefined,
      reused: false,
      error: errorFields(err),
    };
  }

  /** Keeps a finished resource, in discovery order. */
  private record(r: ResourceTiming): void {
    let i = this.resources.length;
    while (i > 0 && this.resources[i - 1]!.id > r.id) i--;
    this.resources.splice(i, 0, r);
    const b = this.browser;
    const t = b.trace();
    if (t?.wants('browser.resource')) {
      t.emit({ type: 'browser.resource', time: b.clock.now(), node: b.node, resource: r });
    }
  }
}

function errorFields(e: BrowserError): NonNullable<ResourceTiming['error']> {
  return { code: e.code, netError: e.netError, message: e.message };
}

function errorOf(t: ResourceTiming): BrowserError {
  const e = t.error!;
  return new BrowserError(e.code as BrowserError['code'], e.message);
}

function header(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  for (const [n, v] of headers) if (n.toLowerCase() === name) return v;
  return undefined;
}

function isHtml(res: PoolResponse, url: UrlBreakdown): boolean {
  const type = header(res.headers, 'content-type');
  if (type !== undefined) return /html/i.test(type);
  return /(?:\/|\.html?)$/i.test(url.path);
}

/** The Referer by strict-origin-when-cross-origin (Referrer Policy §3), the browsers' default. */
function refererFor(from: string | undefined, to: UrlBreakdown): string | undefined {
  if (from === undefined) return undefined;
  let src: URL;
  try {
    src = new URL(from);
  } catch {
    return undefined;
  }
  if (src.protocol === 'https:' && to.scheme === 'http') return undefined;
  src.hash = '';
  if (src.origin === to.origin) return src.href;
  return `${src.origin}/`;
}
