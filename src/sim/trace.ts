/**
 * The trace bus: one typed stream of everything the network does. Every layer reports
 * through it (frames sent and dropped with a reason, ARP and routing decisions, TCP state
 * changes...), and every consumer reads from it: the CLI timeline, the pcap writer, the
 * web lab, the experiments and the tests. Nothing in the stack prints.
 *
 * `sim/` knows nothing of networking, so the event types are declared by the layers that
 * emit them, by augmenting `TraceEventMap`:
 *
 *   declare module '../sim/trace.ts' {
 *     interface TraceEventMap { 'link.drop': { node: string; reason: DropReason } }
 *   }
 *
 * Emitting costs nothing when nobody listens: emitters guard with `wants(type)` before
 * building the event object. Events may reference live buffers (frame bytes); a consumer
 * that keeps bytes beyond the callback must copy them.
 */
import type { Time } from './time.ts';

export interface TraceEventMap {
  /** Free text from a script or a tool (`echo`, scenario annotations). */
  'sim.note': { readonly node?: string; readonly text: string };
}

export type TraceType = keyof TraceEventMap;
export type TraceEventOf<K extends TraceType> = { readonly type: K; readonly time: Time } & TraceEventMap[K];
export type TraceEvent = { [K in TraceType]: TraceEventOf<K> }[TraceType];
export type TraceListener<E> = (event: E) => void;

export class TraceBus {
  // biome-ignore lint/suspicious/noExplicitAny: listeners are typed per event type by on()
  private readonly byType = new Map<string, TraceListener<any>[]>();
  private anyListeners: TraceListener<TraceEvent>[] = [];
  /** True when at least one listener of any kind is attached. */
  active = false;

  /** Whether an event of this type would reach anyone. Guard event construction with it. */
  wants(type: TraceType): boolean {
    return this.active && (this.anyListeners.length > 0 || this.byType.has(type));
  }

  emit(event: TraceEvent): void {
    if (!this.active) return;
    const list = this.byType.get(event.type);
    if (list) for (const fn of list) fn(event);
    for (const fn of this.anyListeners) fn(event);
  }

  /** Listens to one event type. Returns the function that unsubscribes. */
  on<K extends TraceType>(type: K, fn: TraceListener<TraceEventOf<K>>): () => void {
    const list = this.byType.get(type) ?? [];
    this.byType.set(type, [...list, fn]);
    this.active = true;
    return () => {
      const cur = (this.byType.get(type) ?? []).filter((f) => f !== fn);
      if (cur.length) this.byType.set(type, cur);
      else this.byType.delete(type);
      this.refresh();
    };
  }

  /** Listens to every event. Returns the function that unsubscribes. */
  onAny(fn: TraceListener<TraceEvent>): () => void {
    this.anyListeners = [...this.anyListeners, fn];
    this.active = true;
    return () => {
      this.anyListeners = this.anyListeners.filter((f) => f !== fn);
      this.refresh();
    };
  }

  private refresh(): void {
    this.active = this.anyListeners.length > 0 || this.byType.size > 0;
  }
}
