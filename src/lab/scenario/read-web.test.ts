/**
 * The `web:` section: what it resolves to, the servers the network starts from it, and
 * every mistake reported at its line and column.
 */
import { describe, expect, it } from 'vitest';
import { Network } from '../network.ts';
import { siteFiles } from '../web/site-files.ts';
import { parseScenario } from './parse-scenario.ts';
import { problemLines, yaml } from './test-helpers.ts';

const TOPOLOGY = [
  'topology:', // 1
  '  nodes:',
  '    laptop: { kind: host, ip: 10.0.0.10/24 }',
  '    www: { kind: host, ip: 10.0.0.80/24 }',
  '    cdn: { kind: host, ip: 10.0.0.81/24 }', // 5
  '    sw1: { kind: switch }',
  '  links: [[laptop, sw1], [www, sw1], [cdn, sw1]]',
];

describe('web: section', () => {
  it('resolves to plain data with defaults', () => {
    const text = yaml(
      ...TOPOLOGY,
      'web:',
      '  - server: www',
      '    files:',
      '      /index.html: "<h1>hi</h1>"',
      '      /logo.png: { size: 2KiB }',
      '    push: { /index.html: [/logo.png] }',
      '  - { server: cdn, port: 8080, protocols: h2, page: { images: 2, scripts: 1, size: 1KB } }',
    );
    const { spec, warnings } = parseScenario(text, 'web.yaml');
    expect(warnings).toEqual([]);
    expect(spec.web).toEqual([
      {
        node: 'www',
        port: 80,
        protocols: 'both',
        files: [
          { path: '/index.html', text: '<h1>hi</h1>' },
          { path: '/logo.png', size: 2048 },
        ],
        push: [{ page: '/index.html', resources: ['/logo.png'] }],
      },
      {
        node: 'cdn',
        port: 8080,
        protocols: 'h2',
        files: [],
        page: { images: 2, scripts: 1, stylesheets: 0, size: 1000, htmlSize: 0 },
        push: [],
      },
    ]);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('generates exact sizes and a page that refers to every resource', () => {
    const files = siteFiles({
      node: 'x',
      port: 80,
      protocols: 'both',
      files: [{ path: '/a.css', size: 100 }],
      page: { images: 3, scripts: 2, stylesheets: 1, size: 500, htmlSize: 4000 },
      push: [],
    });
    expect(Object.keys(files).sort()).toEqual(
      [
        '/a.css',
        '/css/style1.css',
        '/img/image1.png',
        '/img/image2.png',
        '/img/image3.png',
        '/index.html',
        '/js/script1.js',
        '/js/script2.js',
      ].sort(),
    );
    const html = files['/index.html'] as string;
    expect(html.length).toBe(4000);
    for (const p of ['/css/style1.css', '/js/script1.js', '/js/script2.js', '/img/image3.png'])
      expect(html).toContain(`"${p}"`);
    expect((files['/img/image1.png'] as Uint8Array).length).toBe(500);
    expect(new TextDecoder().decode(files['/a.css'] as Uint8Array)).toMatch(
      /^\/\* \/a\.css: netlab filler \*\//,
    );
  });

  it('the network starts the servers on their ports', () => {
    const { spec } = parseScenario(
      yaml(
        ...TOPOLOGY,
        'web:',
        '  - { server: www, files: { /index.html: hi } }',
        '  - { server: www, port: 8080, page: {} }',
      ),
      'web.yaml',
    );
    const net = new Network(spec);
    expect(net.web.map((w) => [w.node.name, w.port])).toEqual([
      ['www', 80],
      ['www', 8080],
    ]);
  });

  it('reports every mistake at its line', () => {
    const text = yaml(
      ...TOPOLOGY, // lines 1-7
      'web:', // 8
      '  - server: wwww', // 9
      '    files: { /a: x }',
      '  - server: sw1', // 11
      '    files: { /a: x }',
      '  - server: www', // 13
      '    files: { index.html: x, /b: { size: 1TB }, /c: { weight: 1 } }',
      '    push: { /a: [/zzz] }', // 15
      '  - server: cdn',
      '    protocols: http3', // 17
      '    page: { images: 1001 }',
      '  - server: laptop', // 19
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:9:13: server: no node named 'wwww' (did you mean 'www'?)",
      't.yaml:11:13: server: sw1 is a switch; a web server runs on a host or router with an IPv4 address',
      "t.yaml:14:14: 'index.html': a file path starts with / and holds no spaces, ?, # or '..'",
      "t.yaml:14:41: size: expected a size in bytes up to 64MiB, such as 1470, 20KB or 1.5MiB, got '1TB'",
      "t.yaml:14:54: unknown key 'weight' in a generated file; expected one of: size",
      "t.yaml:15:13: push: '/a' is not a file this server serves",
      "t.yaml:17:16: protocols: expected one of both, http1, h2, got 'http3' (did you mean 'http1'?)",
      't.yaml:18:21: images: expected a whole number from 0 to 1,000, got 1001',
      "t.yaml:19:5: a web server needs 'files' (what it serves) or 'page' (a generated page)",
    ]);
    expect(
      problemLines(
        yaml(...TOPOLOGY, 'web:', '  - { server: www, page: {} }', '  - { server: www, files: { /x: y } }'),
      ),
    ).toEqual(['t.yaml:10:15: www already runs a web server on port 80 (web[0])']);
  });
});
