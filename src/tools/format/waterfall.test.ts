/** The waterfall table: columns, phases, bars and the summary, from fixed timings. */
import { describe, expect, it } from 'vitest';
import type { PageLoad } from '../../application/browser/browser.ts';
import type { ResourceTiming } from '../../application/browser/resource-timing.ts';
import { MILLISECOND } from '../../sim/time.ts';
import { waterfallBar, waterfallLines } from './waterfall.ts';

const ms = MILLISECOND;

function resource(r: Partial<ResourceTiming> & Pick<ResourceTiming, 'id' | 'url'>): ResourceTiming {
  return {
    kind: 'image',
    initiator: undefined,
    status: 200,
    protocol: 'http/1.1',
    size: 100,
    contentType: undefined,
    start: 0,
    requestStart: 0,
    responseStart: 0,
    end: 0,
    connection: 1,
    reused: false,
    ...r,
  };
}

const page: PageLoad = {
  input: 'http://www.example.com/',
  url: undefined,
  finalUrl: 'http://www.example.com/',
  status: 200,
  error: undefined,
  start: 0,
  end: 100 * ms,
  loadTime: 100 * ms,
  bytes: 1300,
  skipped: 0,
  document: undefined,
  connections: [
    {
      id: 1,
      origin: 'http://www.example.com:80',
      address: '10.0.0.1',
      port: 80,
      protocol: 'http/1.1',
      connectStart: 0,
      connectEnd: 30 * ms,
      requests: 2,
      closedAt: undefined,
    },
  ],
  resources: [
    resource({
      id: 1,
      url: 'http://www.example.com/',
      kind: 'document',
      size: 1200,
      dnsStart: 0,
      dnsEnd: 10 * ms,
      connectStart: 10 * ms,
      connectEnd: 30 * ms,
      requestStart: 30 * ms,
      responseStart: 50 * ms,
      end: 60 * ms,
    }),
    resource({
      id: 2,
      url: 'http://www.example.com/a.png',
      start: 60 * ms,
      requestStart: 60 * ms,
      responseStart: 80 * ms,
      end: 100 * ms,
      reused: true,
    }),
    resource({
      id: 3,
      url: 'http://cdn.test/x.png',
      status: undefined,
      size: 0,
      start: 60 * ms,
      requestStart: undefined,
      responseStart: undefined,
      end: 60 * ms,
      connection: undefined,
      error: { code: 'browser-name-not-resolved', netError: 'net::ERR_NAME_NOT_RESOLVED', message: 'x' },
    }),
  ],
};

describe('waterfall', () => {
  it('prints one row per resource with its phases in ms, and the page-load time', () => {
    expect(waterfallLines(page, { barWidth: 10 })).toEqual([
      '#  resource                      status                      size  start   DNS  connect  TTFB  total  conn',
      '1  http://www.example.com/       200                         1200    0.0  10.0     20.0  20.0   60.0  #1    dcc--=',
      '2  http://www.example.com/a.png  200                          100   60.0     -        -  20.0   40.0  #1          --==',
      '3  http://cdn.test/x.png         net::ERR_NAME_NOT_RESOLVED     0   60.0     -        -     -    0.0  -           .',
      'Page load time 100.0 ms: 3 resources (1 failed), 1300 bytes, 1 connection',
    ]);
  });

  it('draws DNS, connect, wait and receive on the page timeline', () => {
    expect(waterfallBar(page.resources[0]!, 0, 100 * ms, 20)).toBe('ddcccc----==');
    expect(waterfallBar(page.resources[1]!, 0, 100 * ms, 20)).toBe('            ----====');
    expect(waterfallLines(page, { barWidth: 0 })[1]!.endsWith('#1')).toBe(true);
  });
});
