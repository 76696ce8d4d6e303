/**
 * The socket tables of `netstat -an` (net-tools 2.10) and `ss -tan` (iproute2 6.1), byte
 * for byte, as pure functions of the rows. Checked against both programs on Debian 12 with
 * real sockets (see netstat.test.ts).
 *
 * netstat (netstat.c, tcp_do_one/udp_do_one): a title line, a header, then one
 * `%-4s  %6ld %6ld %-23s %-23s %-11s` line per socket: proto, Recv-Q, Send-Q, local and
 * foreign `address:port` (port 0 printed `*`), and the state in net-tools' names
 * (ESTABLISHED, SYN_SENT, TIME_WAIT...; empty for an unconnected UDP socket). TCP comes
 * before UDP. A listener's Recv-Q is its accept queue, its Send-Q 0 (/proc/net/tcp).
 *
 * ss (ss.c, non-terminal "compact" output): columns sized to their widest cell, the
 * address right-aligned against its `:` and the port left-aligned, cells padded exactly as
 * ss's render() pads them (so lines keep their trailing blanks); a Netid column only when
 * more than one protocol is listed; Recv-Q and Send-Q printed `%-6d`; states ESTAB,
 * TIME-WAIT, UNCONN...; UDP before TCP. A listener's Send-Q is its backlog.
 *
 * Left out: the UNIX-domain section of netstat -a, -p/-e/-o columns, name resolution
 * (netlab's tools print numeric addresses, as with -n), ss's terminal-width layout (used
 * only when writing to a terminal) and its -i/-m/-e details.
 */
import { NETSTAT_STATE_NAMES, SS_STATE_NAMES, type TcpState } from '../../transport/tcp/tcp-state.ts';

export interface SocketRow {
  readonly proto: 'tcp' | 'udp';
  /** A TCP state, or for UDP 'UNCONN' (unconnected) / 'ESTABLISHED' (connected). */
  readonly state: TcpState | 'UNCONN';
  /** As /proc/net/tcp gives it: unread bytes (a listener: its accept queue). */
  readonly recvQ: number;
  /** Unacknowledged bytes (a listener: 0). */
  readonly sendQ: number;
  /** A listener's backlog (ss shows it as Send-Q). */
  readonly backlog?: number;
  readonly local: { readonly address: string; readonly port: number };
  readonly foreign: { readonly address: string; readonly port: number };
}

/** Which sockets to list, as -a / -l select them. Servers are listeners and unconnected UDP sockets. */
export type SocketSelection = 'all' | 'listening' | 'connected';

function isServer(r: SocketRow): boolean {
  return r.state === 'LISTEN' || (r.proto === 'udp' && r.state === 'UNCONN');
}

export function selectRows(rows: readonly SocketRow[], which: SocketSelection): SocketRow[] {
  return rows.filter((r) => (which === 'all' ? true : which === 'listening' ? isServer(r) : !isServer(r)));
}

function endpoint(e: { readonly address: string; readonly port: number }): string {
  return `${e.address}:${e.port === 0 ? '*' : e.port}`;
}

export const NETSTAT_HEADER =
  'Proto Recv-Q Send-Q Local Address           Foreign Address         State      ';

/** The title and header lines of netstat's Internet section. */
export function netstatTitle(which: SocketSelection): string {
  const what =
    which === 'all'
      ? '(servers and established)'
      : which === 'listening'
        ? '(only servers)'
        : '(w/o servers)';
  return `Active Internet connections ${what}`;
}

/** One socket line of netstat. */
export function netstatLine(r: SocketRow): string {
  const local = endpoint(r.local);
  const foreign = endpoint(r.foreign);
  const state =
    r.proto === 'udp'
      ? r.state === 'UNCONN'
        ? ''
        : 'ESTABLISHED'
      : NETSTAT_STATE_NAMES[r.state as TcpState];
  return (
    `${r.proto.padEnd(4)}  ${String(r.recvQ).padStart(6)} ${String(r.sendQ).padStart(6)} ` +
    `${local.padEnd(23)} ${foreign.padEnd(23)} ${state.padEnd(11)}`
  );
}

/** `netstat -an` (or -tan, -uan, -lnt...): title, header, TCP rows, then UDP rows. */
export function netstatLines(rows: readonly SocketRow[], which: SocketSelection = 'all'): string[] {
  const chosen = selectRows(rows, which);
  const ordered = [...chosen.filter((r) => r.proto === 'tcp'), ...chosen.filter((r) => r.proto === 'udp')];
  return [netstatTitle(which), NETSTAT_HEADER, ...ordered.map(netstatLine)];
}

interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
  /** Printed before the cell unless it starts the line. */
  readonly ldelim: string;
}

const SS_COLUMNS: readonly Column[] = [
  { header: 'Netid', align: 'left', ldelim: '' },
  { header: 'State', align: 'left', ldelim: ' ' },
  { header: 'Recv-Q', align: 'left', ldelim: ' ' },
  { header: 'Send-Q', align: 'left', ldelim: ' ' },
  { header: 'Local Address:', align: 'right', ldelim: ' ' },
  { header: 'Port', align: 'left', ldelim: '' },
  { header: 'Peer Address:', align: 'right', ldelim: ' ' },
  { header: 'Port', align: 'left', ldelim: '' },
  { header: 'Process', align: 'left', ldelim: '' },
  { header: '', align: 'left', ldelim: '' },
];

function ssCells(r: SocketRow): string[] {
  const state =
    r.proto === 'udp' ? (r.state === 'UNCONN' ? 'UNCONN' : 'ESTAB') : SS_STATE_NAMES[r.state as TcpState];
  const sendQ = r.state === 'LISTEN' ? (r.backlog ?? 0) : r.sendQ;
  return [
    r.proto,
    state,
    String(r.recvQ).padEnd(6),
    String(sendQ).padEnd(6),
    `${r.local.address}:`,
    r.local.port === 0 ? '*' : String(r.local.port),
    `${r.foreign.address}:`,
    r.foreign.port === 0 ? '*' : String(r.foreign.port),
    '',
    '',
  ];
}

/**
 * ss's table (`ss -tan`, `ss -uan`, `ss -tuan`...), laid out as ss renders it when its
 * output is not a terminal. `netid` shows the Netid column (ss does when more than one
 * protocol is asked for). 'connected' is ss's default without -a or -l.
 */
export function ssLines(rows: readonly SocketRow[], which: SocketSelection, netid: boolean): string[] {
  // ss's default state set (SS_CONN) leaves out TIME-WAIT and SYN-RECV as well as servers.
  const chosen = selectRows(rows, which).filter(
    (r) => which !== 'connected' || (r.state !== 'TIME-WAIT' && r.state !== 'SYN-RECEIVED'),
  );
  const ordered = [...chosen.filter((r) => r.proto === 'udp'), ...chosen.filter((r) => r.proto === 'tcp')];
  const cols = SS_COLUMNS.map((c, i) => ({ ...c, index: i })).filter((c) => netid || c.index !== 0);
  const table = [cols.map((c) => c.header), ...ordered.map((r) => cols.map((c) => ssCells(r)[c.index]!))];
  // First pass of render_calc_width: the widest cell, plus the delimiter unless first.
  let first = true;
  const widths = cols.map((_, k) => {
    const max = Math.max(...table.map((row) => row[k]!.length));
    const w = !first && max > 0 ? max + cols[k]!.ldelim.length : max;
    if (w > 0) first = false;
    return w;
  });
  return table.map((row) => {
    let line = '';
    row.forEach((cell, k) => {
      const c = cols[k]!;
      const w = widths[k]!;
      let printed = 0;
      if (k > 0) {
        line += c.ldelim;
        printed = c.ldelim.length;
      }
      if (w > 0 && c.align === 'right') {
        const s = w - cell.length - printed;
        if (s > 0) line += ' '.repeat(s);
        printed += Math.max(0, s);
      }
      line += cell;
      printed += cell.length;
      if (w > 0 && c.align === 'left' && w - printed > 0) line += ' '.repeat(w - printed);
    });
    return line;
  });
}
