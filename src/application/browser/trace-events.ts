/**
 * Trace events of the browser, for the tour's narration and the web lab's waterfall:
 * the navigation with its URL broken down, each name lookup, each connection, each
 * resource with all its timings, each cookie stored or refused, and the page load's end
 * with its page-load time.
 */
import type { Time } from '../../sim/time.ts';
import type { ResourceTiming, WireProtocol } from './resource-timing.ts';
import type { UrlBreakdown } from './url-breakdown.ts';

declare module '../../sim/trace.ts' {
  interface TraceEventMap {
    'browser.navigate': {
      readonly node: string;
      /** As typed. */
      readonly input: string;
      /** Undefined when the text is not a navigable URL (then `error` says why). */
      readonly url: UrlBreakdown | undefined;
      readonly protocol: string;
      readonly error?: string;
    };
    'browser.dns': {
      readonly node: string;
      readonly host: string;
      readonly phase: 'start' | 'done' | 'cached';
      readonly addresses?: readonly string[];
      readonly error?: string;
      /** For 'done': how long the lookup took. */
      readonly duration?: Time;
    };
    'browser.connection': {
      readonly node: string;
      readonly connection: number;
      readonly origin: string;
      readonly address: string;
      readonly port: number;
      readonly phase: 'connecting' | 'connected' | 'failed' | 'closed';
      readonly protocol: WireProtocol;
      readonly error?: string;
    };
    'browser.resource': {
      readonly node: string;
      readonly resource: ResourceTiming;
    };
    'browser.cookie': {
      readonly node: string;
      readonly url: string;
      readonly name: string;
      readonly domain: string;
      readonly path: string;
      readonly action: 'stored' | 'replaced' | 'deleted' | 'rejected';
      readonly reason?: string;
    };
    'browser.done': {
      readonly node: string;
      readonly url: string;
      /** From navigation start to the last resource's end. */
      readonly loadTime: Time;
      readonly resources: number;
      readonly failed: number;
      readonly bytes: number;
      readonly connections: number;
      readonly error?: string;
    };
  }
}
