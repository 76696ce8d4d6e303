/**
 * The browser's waterfall as a text table, the way a browser's network panel lays it
 * out: one row per resource with its status, size, when it started and how long each
 * phase took (DNS lookup, TCP connect, time to first byte, total), the connection that
 * carried it, and a bar over the page's timeline:
 *
 *   `.` waiting (queued for a connection)   `d` DNS   `c` TCP connect   `s` TLS
 *   `-` request sent, waiting for the first byte   `=` receiving
 *
 * Times are milliseconds from the start of the navigation, one decimal. When some
 * resource came over HTTPS a TLS column shows the handshake's time apart from the TCP
 * connect (without it, connect includes TLS). The summary counts the connections that
 * were established (failed attempts show in their rows). A resource the server pushed over
 * HTTP/2 says `push` beside its connection and has no TTFB (the browser sent no request).
 */
import type { PageLoad } from '../../application/browser/browser.ts';
import type { ResourceTiming } from '../../application/browser/resource-timing.ts';
import { MILLISECOND, type Time } from '../../sim/time.ts';

export interface WaterfallOptions {
  /** Characters of the bar column; 0 for none. Default 40. */
  readonly barWidth?: number;
}

function ms(t: Time): string {
  return (t / MILLISECOND).toFixed(1);
}

/** The bar of one resource over [0, span]. */
export function waterfallBar(r: ResourceTiming, origin: Time, span: Time, width: number): string {
  if (width <= 0) return '';
  const col = (t: Time) =>
    Math.min(width, Math.max(0, Math.round(((t - origin) / Math.max(span, 1)) * width)));
  const cells = Array.from({ length: width }, () => ' ');
  const paint = (from: Time | undefined, to: Time | undefined, ch: string) => {
    if (from === undefined || to === undefined) return;
    const a = col(from);
    const b = Math.max(a + 1, col(to));
    for (let i = a; i < Math.min(b, width); i++) cells[i] = ch;
  };
  paint(r.start, r.end, '.');
  paint(r.dnsStart, r.dnsEnd, 'd');
  paint(r.connectStart, r.connectEnd, 'c');
  paint(r.tlsStart, r.tlsEnd, 's');
  paint(r.requestStart, r.responseStart, '-');
  paint(r.responseStart, r.end, '=');
  return cells.join('').trimEnd();
}

/** The table's lines: a header, one row per resource, then the page-load summary. */
export function waterfallLines(page: PageLoad, options: WaterfallOptions = {}): string[] {
  const barWidth = options.barWidth ?? 40;
  const tls = page.resources.some((r) => r.tlsStart !== undefined);
  const rows = page.resources.map((r) => {
    const status = r.status !== undefined ? String(r.status) : (r.error?.netError ?? '-');
    return [
      String(r.id),
      r.url,
      status,
      String(r.size),
      ms(r.start - page.start),
      r.dnsStart !== undefined ? ms(r.dnsEnd! - r.dnsStart) : '-',
      r.connectStart !== undefined
        ? ms((tls ? (r.connectEnd ?? r.connectStart) : (r.tlsEnd ?? r.connectEnd!)) - r.connectStart)
        : '-',
      ...(tls ? [r.tlsStart !== undefined ? ms((r.tlsEnd ?? r.tlsStart) - r.tlsStart) : '-'] : []),
      r.responseStart !== undefined && r.requestStart !== undefined
        ? ms(r.responseStart - r.requestStart)
        : '-',
      ms(r.end - r.start),
      r.connection !== undefined ? `#${r.connection}${r.pushed ? ' push' : ''}` : '-',
      waterfallBar(r, page.start, page.loadTime, barWidth),
    ];
  });
  const header = [
    '#',
    'resource',
    'status',
    'size',
    'start',
    'DNS',
    'connect',
    ...(tls ? ['TLS'] : []),
    'TTFB',
    'total',
    'conn',
    '',
  ];
  const right = [
    true,
    false,
    false,
    true,
    true,
    true,
    true,
    ...(tls ? [true] : []),
    true,
    true,
    false,
    false,
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const failed = page.resources.filter((r) => r.error !== undefined).length;
  const connections = page.connections.filter((c) => c.connectEnd !== undefined).length;
  const summary =
    `Page load time ${ms(page.loadTime)} ms: ${page.resources.length} resources` +
    ` (${failed} failed${page.skipped > 0 ? `, ${page.skipped} skipped` : ''}),` +
    ` ${page.bytes} bytes, ${connections} connection${connections === 1 ? '' : 's'}`;
  return [line(header), ...rows.map(line), summary];
}
