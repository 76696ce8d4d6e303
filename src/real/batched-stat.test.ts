import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchedStat } from './batched-stat.ts';

const dir = mkdtempSync(join(tmpdir(), 'netlab-stat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('batchedStat', () => {
  it('answers the calls of one turn with one stat per path', async () => {
    writeFileSync(join(dir, 'a'), 'aaa');
    writeFileSync(join(dir, 'b'), 'bbbbb');
    const stat = batchedStat();
    const [a1, a2, b] = await Promise.all([stat(join(dir, 'a')), stat(join(dir, 'a')), stat(join(dir, 'b'))]);
    expect(a1).toBe(a2); // the same Stats object: one call
    expect([a1.size, b.size]).toEqual([3, 5]);
  });

  it('never hands a later call the stat of an earlier batch still in flight', async () => {
    const path = join(dir, 'c');
    writeFileSync(path, 'x');
    const stat = batchedStat();
    const first = stat(path);
    await new Promise((r) => setImmediate(r)); // the first batch has been issued
    writeFileSync(path, 'xyz');
    const second = stat(path);
    // (The first may see either size: its stat runs on a pool thread beside the write.)
    expect(await second).not.toBe(await first);
    expect((await second).size).toBe(3);
  });

  it('rejects every caller of a path that is not there', async () => {
    const stat = batchedStat();
    const missing = join(dir, 'missing');
    const r = await Promise.allSettled([stat(missing), stat(missing)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect((r[0] as PromiseRejectedResult).reason.code).toBe('ENOENT');
  });
});
