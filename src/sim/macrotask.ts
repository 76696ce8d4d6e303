/**
 * Yields to the host's event loop once, so that every pending microtask (promise
 * continuation) runs to completion. The simulator calls it after an event resolved a
 * promise, so `await socket.read()` style code resumes at the simulated instant it was
 * woken, before the next simulated event. This is a yield point, not a timer: no real
 * time is measured or waited for.
 */
type Immediate = (cb: () => void) => unknown;

const immediate: Immediate | undefined = (globalThis as { setImmediate?: Immediate }).setImmediate;

let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

export function yieldToHost(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (immediate) {
      immediate(resolve);
      return;
    }
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}
