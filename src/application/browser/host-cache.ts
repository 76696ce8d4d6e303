/**
 * The browser's host cache: names to addresses, looked up once and kept for `ttl`
 * (Chromium keeps entries a minute whatever the record's TTL says), with concurrent
 * lookups of one name joined into one (the first requester's waterfall row shows the DNS
 * time, the others wait). At most `maxEntries` names are kept; the oldest goes first.
 * Address literals never reach the resolver.
 */
import type { Clock } from '../../sim/clock.ts';
import type { Time } from '../../sim/time.ts';
import type { TraceBus } from '../../sim/trace.ts';
import { BrowserError } from './browser-error.ts';
import './trace-events.ts';

/** What the platform's resolver answers: addresses, or the error getaddrinfo would give. */
export type NameLookup = (host: string) => Promise<readonly string[] | { readonly error: string }>;

export interface HostResolution {
  readonly addresses: readonly string[];
  /** Present when this call started the lookup. */
  readonly dnsStart?: Time;
  readonly dnsEnd?: Time;
}

interface Entry {
  readonly addresses: readonly string[];
  readonly expires: Time;
}

export interface HostCacheOptions {
  readonly lookup: NameLookup;
  readonly clock: Clock;
  /** How long answers are kept. Default 60 s. */
  readonly ttl: Time;
  /** Names kept. Default 1000. */
  readonly maxEntries?: number;
  readonly trace?: TraceBus;
  readonly node?: string;
}

export class HostCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry | BrowserError>>();
  private readonly maxEntries: number;

  constructor(private readonly options: HostCacheOptions) {
    this.maxEntries = options.maxEntries ?? 1000;
  }

  async resolve(host: string, kind: 'domain' | 'ipv4' | 'ipv6'): Promise<HostResolution | BrowserError> {
    if (kind !== 'domain') return { addresses: [host] };
    const { clock } = this.options;
    const now = clock.now();
    const cached = this.entries.get(host);
    if (cached && cached.expires > now) {
      this.traceDns(host, 'cached', cached.addresses);
      return { addresses: cached.addresses };
    }
    const joined = this.inFlight.get(host);
    if (joined) {
      const r = await joined;
      return r instanceof BrowserError ? r : { addresses: r.addresses };
    }
    const dnsStart = now;
    this.traceDns(host, 'start');
    const p = this.lookup(host);
    this.inFlight.set(host, p);
    const r = await p;
    this.inFlight.delete(host);
    const dnsEnd = clock.now();
    if (r instanceof BrowserError) {
      this.traceDns(host, 'done', undefined, r.message, dnsEnd - dnsStart);
      return r;
    }
    this.traceDns(host, 'done', r.addresses, undefined, dnsEnd - dnsStart);
    return { addresses: r.addresses, dnsStart, dnsEnd };
  }

  private async lookup(host: string): Promise<Entry | BrowserError> {
    let answer: Awaited<ReturnType<NameLookup>>;
    try {
      answer = await this.options.lookup(host);
    } catch (e) {
      return new BrowserError(
        'browser-name-not-resolved',
        `${host}: ${String((e as Error)?.message ?? e)}`,
        e,
      );
    }
    if ('error' in answer) return new BrowserError('browser-name-not-resolved', `${host}: ${answer.error}`);
    if (answer.length === 0) return new BrowserError('browser-name-not-resolved', `${host}: no address`);
    const entry: Entry = { addresses: [...answer], expires: this.options.clock.now() + this.options.ttl };
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(host, entry);
    return entry;
  }

  private traceDns(
    host: string,
    phase: 'start' | 'done' | 'cached',
    addresses?: readonly string[],
    error?: string,
    duration?: Time,
  ): void {
    const t = this.options.trace;
    if (!t?.wants('browser.dns')) return;
    t.emit({
      type: 'browser.dns',
      time: this.options.clock.now(),
      node: this.options.node ?? 'browser',
      host,
      phase,
      ...(addresses ? { addresses } : {}),
      ...(error ? { error } : {}),
      ...(duration !== undefined ? { duration } : {}),
    });
  }
}
