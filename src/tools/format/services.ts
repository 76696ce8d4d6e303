/**
 * Port names as Debian 12's /etc/services gives them (netbase 6.4), the ones the lab's
 * protocols use: what tcpdump prints for a port without -n and iptables -L without -n,
 * through getservbyport(3). iperf's 5001 has no name there, so it stays a number.
 */
export const SERVICES: Readonly<Record<number, string>> = {
  20: 'ftp-data',
  21: 'ftp',
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  53: 'domain',
  80: 'http',
  110: 'pop3',
  143: 'imap2',
  443: 'https',
  993: 'imaps',
  995: 'pop3s',
  8080: 'http-alt',
};

/** The service name of `port`, or its number when /etc/services names none. */
export function serviceName(port: number): string {
  return SERVICES[port] ?? String(port);
}
