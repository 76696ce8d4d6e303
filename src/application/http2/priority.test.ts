import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIORITY, formatPriority, parsePriority } from './priority.ts';
import { PriorityScheduler } from './scheduler.ts';

describe('RFC 9218 Priority field values', () => {
  it.each([
    ['', { urgency: 3, incremental: false }],
    ['u=0', { urgency: 0, incremental: false }],
    ['u=7, i', { urgency: 7, incremental: true }],
    ['i', { urgency: 3, incremental: true }],
    ['i=?0, u=2', { urgency: 2, incremental: false }],
    ['i=?1', { urgency: 3, incremental: true }],
    ['u=8', { urgency: 3, incremental: false }], // out of range: ignored (§4.1)
    ['u=-1', { urgency: 3, incremental: false }],
    ['u=1.5', { urgency: 3, incremental: false }], // a decimal is not an integer
    ['u=5;foo=bar, x="a,b", i', { urgency: 5, incremental: true }], // parameters and unknown keys ignored
    ['i=1', { urgency: 3, incremental: false }], // 1 is an integer, not a boolean
    ['U=1', { urgency: 3, incremental: false }], // not a dictionary key
  ])('%j', (value, want) => {
    expect(parsePriority(value)).toEqual(want);
  });

  it('keeps the current values when a PRIORITY_UPDATE omits them', () => {
    expect(parsePriority('i', { urgency: 1, incremental: false })).toEqual({ urgency: 1, incremental: true });
  });

  it('formats and re-parses every priority', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.boolean(), (urgency, incremental) => {
        const p = { urgency, incremental };
        expect(parsePriority(formatPriority(p))).toEqual(p);
      }),
    );
    expect(formatPriority(DEFAULT_PRIORITY)).toBe('');
    expect(formatPriority({ urgency: 1, incremental: true })).toBe('u=1, i');
  });
});

describe('priority scheduler (RFC 9218 §10)', () => {
  const s = (id: number, urgency: number, incremental = false) => ({
    id,
    priority: { urgency, incremental },
  });

  it('serves lower urgency first, then non-incremental in id order, then incremental round-robin', () => {
    const sched = new PriorityScheduler<ReturnType<typeof s>>();
    const streams = [s(1, 3, true), s(3, 3, true), s(5, 3), s(7, 3), s(9, 1, true), s(11, 6)];
    for (const x of streams) sched.add(x);
    const order: number[] = [];
    for (let i = 0; i < 4; i++) order.push(sched.next(() => true)!.id);
    expect(order).toEqual([9, 9, 9, 9]);
    sched.delete(streams[4]!);
    expect(sched.next(() => true)!.id).toBe(5);
    sched.delete(streams[2]!);
    expect(sched.next(() => true)!.id).toBe(7);
    sched.delete(streams[3]!);
    const rr: number[] = [];
    for (let i = 0; i < 5; i++) rr.push(sched.next(() => true)!.id);
    expect(rr).toEqual([1, 3, 1, 3, 1]);
    sched.delete(streams[0]!);
    sched.delete(streams[1]!);
    expect(sched.next(() => true)!.id).toBe(11);
  });

  it('skips streams that cannot send (no window) and reports none when all are blocked', () => {
    const sched = new PriorityScheduler<ReturnType<typeof s>>();
    sched.add(s(1, 0));
    sched.add(s(3, 5));
    expect(sched.next((x) => x.id !== 1)!.id).toBe(3);
    expect(sched.next(() => false)).toBeUndefined();
    expect(sched.any(() => false)).toBe(false);
  });
});
