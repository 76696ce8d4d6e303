export { EventQueue, ScheduledEvent } from './event-queue.ts';
export { plainDeferred } from './plain-deferred.ts';
export { Random } from './random.ts';
export { type Deferred, Simulator, type SimulatorOptions } from './simulator.ts';
export * from './time.ts';
export { Timer } from './timer.ts';
export { TraceBus, type TraceEvent, type TraceEventMap, type TraceEventOf, type TraceType } from './trace.ts';
