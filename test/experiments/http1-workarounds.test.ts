/**
 * The workarounds experiment checks, with numbers, the notes' claims about HTTP/1.x's
 * sprites and base64 inlining: fewer files load faster under HTTP/1.0, inlining needs no
 * request at all but base64 carries 4 bytes for every 3, and on HTTP/2 a sprite saves
 * almost nothing.
 */
import { describe, expect, it } from 'vitest';
import { base64Decode } from '../../src/application/pki/pem.ts';
import {
  formatHttp1WorkaroundsTable,
  http1WorkaroundsCsv,
  http1WorkaroundsJson,
  runHttp1Workarounds,
  workaroundSite,
} from '../../src/lab/experiments/http1-workarounds.ts';
import { patternBody } from '../../src/lab/experiments/pages.ts';
import { ms } from '../../src/lab/experiments/text-table.ts';
import { MILLISECOND } from '../../src/sim/time.ts';

describe('workarounds: 24 images of 2,000 bytes, separate, as a sprite, inlined', async () => {
  const result = await runHttp1Workarounds({ rtts: [100 * MILLISECOND] });
  const run = (page: string, protocol: string) =>
    result.runs.find((r) => r.page === page && r.protocol === protocol)!;

  it('the inlined page carries every image as base64 data: URLs, byte for byte, a third larger', () => {
    const html = workaroundSite('inline', 24, 2_000)['/index.html'] as string;
    const uris = [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]!);
    expect(uris).toHaveLength(24);
    expect(uris.map((b64) => base64Decode(b64))).toEqual(uris.map((_, i) => patternBody(i, 2_000)));
    const inline = result.pages.find((p) => p.page === 'inline')!;
    expect(inline.imageBytes).toBe(24 * 2_668); // 4 × ceil(2000 / 3)
    expect(inline.imageBytes / 48_000).toBeCloseTo(4 / 3, 2);
    expect(result.pages.map((p) => [p.page, p.files])).toEqual([
      ['separate', 25],
      ['sprite', 2],
      ['inline', 1],
    ]);
  });

  it('over HTTP/1.0 each file is a connection: 25 of them, 1005.9 ms; the sprite 603.1 ms; inlined 405.7 ms', () => {
    expect([run('separate', 'http1.0').connections, run('separate', 'http1.0').requests]).toEqual([25, 25]);
    expect([run('sprite', 'http1.0').connections, run('inline', 'http1.0').connections]).toEqual([2, 1]);
    expect(['separate', 'sprite', 'inline'].map((p) => ms(run(p, 'http1.0').loadTime))).toEqual([
      '1005.9',
      '603.1',
      '405.7',
    ]);
    // The images' bytes arrive in every layout; inlined, a third more of them.
    expect(run('separate', 'http1.0').bytes - run('sprite', 'http1.0').bytes).toBeLessThan(1_000);
    expect(run('inline', 'http1.0').bytes).toBeGreaterThan(64_000);
  });

  it('on HTTP/2 the sprite saves under a millisecond: one connection carries every image at once', () => {
    const gain = run('separate', 'h2').loadTime - run('sprite', 'h2').loadTime;
    expect(gain).toBeLessThan(1 * MILLISECOND);
    expect(run('separate', 'h2').connections).toBe(1);
    // ...where HTTP/1.0 paid four round trips for the separate files.
    expect(run('separate', 'http1.0').loadTime - run('sprite', 'http1.0').loadTime).toBeGreaterThan(
      4 * 100 * MILLISECOND - 5 * MILLISECOND,
    );
  });

  it('prints the sizes and the times, and writes CSV and JSON', () => {
    const table = formatHttp1WorkaroundsTable(result);
    expect(table).toContain('inlined (base64)           1      65,172  64,032 (1.334x)');
    expect(table.some((l) => /^100 ms\s+separate images\s+1005\.9 \(25 req, 25 conn\)/.test(l))).toBe(true);
    const csv = http1WorkaroundsCsv(result).trimEnd().split('\n');
    expect(csv[0]).toBe('rtt_ms,page,protocol,load_ms,requests,connections,bytes');
    expect(csv).toHaveLength(1 + 9);
    const json = http1WorkaroundsJson(result) as { runs: { loadTime: number }[] };
    expect(json.runs).toHaveLength(9);
  });

  it('refuses a bad option with a typed error', async () => {
    await expect(runHttp1Workarounds({ images: 0 })).rejects.toMatchObject({ code: 'experiment-bad-option' });
    await expect(runHttp1Workarounds({ images: 501 })).rejects.toMatchObject({
      code: 'experiment-bad-option',
    });
    await expect(runHttp1Workarounds({ size: 0 })).rejects.toMatchObject({ code: 'experiment-bad-option' });
  });
});
