/**
 * Every command the shell runs. Node commands need a node (`node: h1` in a script, or a
 * node's terminal); lab commands (`link`, `node`, `echo`, `help`) run anywhere.
 */
import type { Command } from '../shell/command.ts';
import { type CommandRegistry, commandRegistry } from '../shell/shell.ts';
import { arp } from './arp.ts';
import { arping } from './arping.ts';
import { arpspoof } from './arpspoof.ts';
import { browser } from './browser.ts';
import { curl } from './curl.ts';
import { dig } from './dig.ts';
import { echo } from './echo.ts';
import { helpCommand } from './help.ts';
import { host } from './host.ts';
import { ip } from './ip.ts';
import { iptables } from './iptables.ts';
import { iperf } from './iperf.ts';
import { link, node } from './lab.ts';
import { netstat } from './netstat.ts';
import { nslookup } from './nslookup.ts';
import { ping } from './ping.ts';
import { ss } from './ss.ts';
import { capture, tcpdump } from './tcpdump.ts';
import { traceroute } from './traceroute.ts';

/** The built-in commands, `help` included. */
export function builtinCommands(extra: readonly Command[] = []): CommandRegistry {
  let registry: CommandRegistry | undefined;
  const all = [
    ping,
    traceroute,
    arp,
    arping,
    ip,
    iptables,
    iperf,
    netstat,
    ss,
    dig,
    nslookup,
    host,
    arpspoof,
    tcpdump,
    capture,
    curl,
    browser,
    echo,
    link,
    node,
    ...extra,
  ];
  registry = commandRegistry([...all, helpCommand(() => registry!)]);
  return registry;
}
