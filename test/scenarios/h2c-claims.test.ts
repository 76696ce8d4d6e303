/**
 * examples/h2c.yaml: each claim of its description, checked from the run — HTTP/1.1's 6
 * connections and 90.6 ms against h2c's one connection and 85.5 ms, the preface and
 * SETTINGS first, a stream per request, and the header blocks as the web lab's inspector
 * decodes them without keys (HPACK, RFC 7541): the sizes the description quotes, and
 * curl's first request on a connection of its own.
 */
import { describe, expect, it } from 'vitest';
import type { Field } from '../../src/tools/dissect/index.ts';
import type { OutputLine } from '../../src/tools/shell/shell.ts';
import { LabEngine } from '../../web/src/engine/lab-engine.ts';
import { exampleSpec, runExample } from './run-example.ts';

/** Every field of a tree as `name: value` lines. */
function lines(fields: readonly Field[]): string[] {
  return fields.flatMap((f) => [`${f.name}: ${f.value}`, ...lines(f.children ?? [])]);
}

function pageLoad(out: readonly OutputLine[]): [number, number] {
  const m = out.map((l) => /^Page load time ([\d.]+) ms: .* (\d+) connections?$/.exec(l.text)).find(Boolean)!;
  return [Number(m[1]), Number(m[2])];
}

describe('h2c: HTTP/2 in the clear', async () => {
  const r = await runExample('h2c');
  const e = new LabEngine(exampleSpec('h2c'));
  await e.advanceTo(e.duration);
  /** Each HEADERS frame the laptop sent: [stream, path, block bytes, header bytes]. */
  const requests = () => {
    e.setFilter('http2.type == 1 && frame.iface == "laptop:eth0" && ip.src == 10.0.0.10');
    return e.rows(0, 50).flatMap((row) => {
      const tree = lines(e.inspect(row.index).layers.at(-1)!.fields);
      const out: [number, string, number, number][] = [];
      let stream = 0;
      let path = '';
      for (const l of tree) {
        const s = /^Stream: HEADERS, Stream ID: (\d+), Length \d+, GET (\S+)$/.exec(l);
        if (s) [stream, path] = [Number(s[1]), s[2]!];
        const b = /^\[Header block\]: (\d+) bytes for (\d+) bytes of headers/.exec(l);
        if (b) out.push([stream, path, Number(b[1]), Number(b[2])]);
      }
      return out;
    });
  };

  it('HTTP/1.1: 6 connections, 90.6 ms, each request its whole text (GET /2.png: 196 bytes)', () => {
    expect(pageLoad(r.linesOf('laptop', 'browser --http1.1'))).toEqual([90.6, 6]);
    e.setFilter('http.request.uri == "/2.png" && frame.iface == "laptop:eth0"');
    const [row] = e.rows(0, 1);
    const tcp = e.inspect(row!.index).layers.find((l) => l.protocol === 'TCP')!;
    expect(lines(tcp.fields)).toContain('TCP payload: 196 bytes');
  });

  it('h2c: one connection, 85.5 ms; the preface and SETTINGS first, then a stream per request', () => {
    expect(pageLoad(r.linesOf('laptop', 'browser --h2'))).toEqual([85.5, 1]);
    e.setFilter('http2 && frame.iface == "laptop:eth0" && ip.src == 10.0.0.10');
    const first = e.rows(0, 1)[0]!;
    expect(first.info).toMatch(/^Magic, SETTINGS\[0\]/);
    expect(
      requests()
        .slice(0, 7)
        .map(([stream, path]) => [stream, path]),
    ).toEqual([
      [1, '/'],
      [3, '/style.css'],
      [5, '/app.js'],
      [7, '/1.png'],
      [9, '/2.png'],
      [11, '/3.png'],
      [13, '/4.png'],
    ]);
  });

  it('HPACK in the clear: 98 bytes for the page, 40, 18, 46, then 13 bytes per image; curl starts over', () => {
    expect(requests().map(([, path, block, headers]) => [path, block, headers])).toEqual([
      ['/', 98, 169],
      ['/style.css', 40, 151],
      ['/app.js', 18, 133],
      ['/1.png', 46, 171],
      ['/2.png', 13, 171],
      ['/3.png', 13, 171],
      ['/4.png', 13, 171],
      ['/style.css', 31, 79], // curl's own connection: an empty table again
    ]);
    expect(e.setFilter('http2.headers.path == "/2.png" && frame.iface == "laptop:eth0"')).toEqual({
      count: 1,
    });
    expect(r.linesOf('laptop', 'curl -sv').map((l) => l.text)).toContain('< HTTP/2 200 ');
  });
});
