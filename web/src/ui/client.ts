/** The page's side of the worker: requests as promises, ticks and reloads as events. */
import type { Reloaded, Replies, Request, RequestType, Tick, WorkerMessage } from '../worker/protocol.ts';
import { Emitter } from './dom.ts';

export class LabClient {
  readonly ticks = new Emitter<Tick>();
  readonly reloads = new Emitter<Reloaded>();
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker = new Worker(new URL('../worker/lab-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
      const m = ev.data;
      if (m.kind === 'tick') this.ticks.emit(m);
      else if (m.kind === 'reloaded') this.reloads.emit(m);
      else {
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        if (m.ok) w.resolve(m.value);
        else w.reject(new Error(m.error));
      }
    };
    this.worker.onerror = (ev) => {
      for (const w of this.waiting.values())
        w.reject(new Error(ev.message || 'the simulation worker failed'));
      this.waiting.clear();
    };
  }

  request<T extends RequestType>(request: Extract<Request, { type: T }>): Promise<Replies[T]> {
    const id = this.nextId++;
    return new Promise<Replies[T]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }
}
