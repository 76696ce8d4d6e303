import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';
import { Simulator } from './simulator.ts';
import { MILLISECOND, parseDuration, SECOND } from './time.ts';
import { Timer } from './timer.ts';

describe('Simulator', () => {
  it('runs events in time order, ties in scheduling order', async () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.at(20, () => seen.push('b@20'));
    sim.at(10, () => seen.push('a@10'));
    sim.at(20, () => seen.push('c@20'));
    sim.at(10, () => {
      seen.push('d@10');
      sim.after(0, () => seen.push('e@10'));
    });
    await sim.run();
    expect(seen).toEqual(['a@10', 'd@10', 'e@10', 'b@20', 'c@20']);
    expect(sim.now).toBe(20);
    expect(sim.eventsExecuted).toBe(5);
  });

  it('skips cancelled events and stops at `until` with the clock there', async () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const ev = sim.at(5, () => seen.push(5));
    sim.at(7, () => seen.push(7));
    sim.at(50, () => seen.push(50));
    ev.cancel();
    await sim.run(10);
    expect(seen).toEqual([7]);
    expect(sim.now).toBe(10);
    await sim.run();
    expect(seen).toEqual([7, 50]);
  });

  it('refuses to schedule in the past', () => {
    const sim = new Simulator();
    sim.at(10, () => {
      expect(() => sim.at(5, () => {})).toThrow(/cannot schedule/);
    });
    return sim.run();
  });

  it('runs promise continuations at the simulated instant they were resolved', async () => {
    const sim = new Simulator();
    const log: string[] = [];
    const task = async () => {
      log.push(`start ${sim.now}`);
      await sim.sleep(100);
      log.push(`woke ${sim.now}`);
      await sim.sleep(50);
      log.push(`woke ${sim.now}`);
    };
    sim.at(10, () => void task());
    sim.at(110, () => log.push('event 110'));
    sim.at(111, () => log.push('event 111'));
    await sim.run();
    // The continuation resolved at t=110 runs before the next event at t=111.
    expect(log).toEqual(['start 10', 'event 110', 'woke 110', 'event 111', 'woke 160']);
  });

  it('stop() ends the run after the current event', async () => {
    const sim = new Simulator();
    const seen: number[] = [];
    for (let i = 1; i <= 5; i++)
      sim.at(i, () => {
        seen.push(i);
        if (i === 3) sim.stop();
      });
    await sim.run();
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('Timer', () => {
  it('re-arming later reuses the pending event; earlier re-arms reschedule', async () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const t = new Timer(sim, () => fired.push(sim.now));
    t.set(100);
    sim.at(50, () => t.set(100)); // now fires at 150
    sim.at(60, () => t.setAt(120)); // earlier than 150
    await sim.run();
    expect(fired).toEqual([120]);
    expect(t.armed).toBe(false);
    t.set(10);
    t.cancel();
    await sim.run();
    expect(fired).toEqual([120]);
  });
});

describe('Random', () => {
  it('is reproducible per seed and label, independent of use order', () => {
    const a = new Random(42);
    const b = new Random(42);
    expect([a.u32(), a.u32()]).toEqual([b.u32(), b.u32()]);
    const x1 = a.fork('node/h1').u32();
    b.u32();
    b.u32();
    expect(b.fork('node/h1').u32()).toBe(x1);
    expect(new Random(43).fork('node/h1').u32()).not.toBe(x1);
  });

  it('float() is uniform enough in [0,1)', () => {
    const r = new Random(7);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = r.float();
      sum += f;
      min = Math.min(min, f);
      max = Math.max(max, f);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });
});

describe('parseDuration', () => {
  it('parses units and rejects garbage', () => {
    expect(parseDuration('10ms')).toBe(10 * MILLISECOND);
    expect(parseDuration('1.5s')).toBe(1.5 * SECOND);
    expect(parseDuration('250us')).toBe(250_000);
    expect(parseDuration('3')).toBe(3 * SECOND);
    expect(parseDuration('2m')).toBe(120 * SECOND);
    expect(parseDuration('-1s')).toBeUndefined();
    expect(parseDuration('fast')).toBeUndefined();
  });
});
