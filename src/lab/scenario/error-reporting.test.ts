/**
 * Broken scenario files, each with the exact `file:line:col: message` lines it must give:
 * every problem in the file at once, at the right spot, with no echo of earlier mistakes.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from './parse-scenario.ts';
import { ScenarioError } from './problem.ts';
import { NODE_COMMANDS } from './script-commands.ts';
import { problemLines, yaml } from './test-helpers.ts';

describe('error reporting', () => {
  it('unknown keys and kinds, with did-you-mean', () => {
    const text = yaml(
      'name: x', // 1
      'durration: 5s',
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: 10.0.0.1/24, gatway: 10.0.0.254 }', // 5
      '    sw1: { kind: swich }',
      '    h2: { kind: hots }',
      '    web: { kind: server }',
      '  links:',
      '    - endpoints: [h1, sw1]', // 10
      '      dely: 5ms',
      '      foo: 1',
    );
    expect(problemLines(text, 'star.yaml')).toEqual([
      "star.yaml:2:1: unknown key 'durration' in the scenario (did you mean 'duration'?)",
      "star.yaml:5:40: unknown key 'gatway' in a host node (did you mean 'gateway'?)",
      "star.yaml:6:18: unknown node kind 'swich' (did you mean 'switch'?); supported kinds: host, router, switch, hub, bus",
      "star.yaml:7:17: unknown node kind 'hots' (did you mean 'host'?); supported kinds: host, router, switch, hub, bus",
      "star.yaml:8:18: node kind 'server' (a host running services) is not supported yet; supported kinds: host, router, switch, hub, bus",
      "star.yaml:11:7: unknown key 'dely' in a link (did you mean 'delay'?)",
      "star.yaml:12:7: unknown key 'foo' in a link; expected one of: endpoints, preset, rate, delay, loss, duplicate, jitter, queue, mtu",
    ]);
  });

  it('bad values: numbers, durations, rates, probabilities, queues, addresses', () => {
    const text = yaml(
      'seed: -1',
      'duration: ten',
      'routing: dynamic',
      'convergence: -1s',
      'defaults:', // 5
      '  link: { rate: fast, loss: 150%, queue: 0, mtu: 20, jitter: 1 parsec, duplicate: -0.1 }',
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: 10.0.0.1 }',
      '    h2: { kind: host, ip: 10.0.0.300/24, gateway: 10.0.0.1/24 }', // 10
      '    sw1: { kind: switch, aging: forever, mac_table_size: 0 }',
      '  links:',
      '    - endpoints: [h1, sw1]',
      '      rate: 10MB/s',
      '      preset: wann', // 15
    );
    expect(problemLines(text)).toEqual([
      't.yaml:1:7: seed: expected a whole number from 0 to 4,294,967,295, got -1',
      "t.yaml:2:11: duration: expected a duration such as 10ms, 1.5s, 250us or 100ns, got 'ten'",
      "t.yaml:3:10: routing: expected one of global, static, got 'dynamic'",
      "t.yaml:4:14: convergence: must not be negative, got '-1s'",
      "t.yaml:6:17: rate: expected a positive rate, such as 1Gbps, 100Mbps, 64kbps or a number of bit/s, got 'fast'",
      "t.yaml:6:29: loss: must be between 0 and 1 (0% and 100%), got '150%'",
      't.yaml:6:42: queue: expected a number of packets (100) or of bytes with a unit (64KB, 64KiB), got 0',
      't.yaml:6:50: mtu: expected a whole number from 68 to 65,535, got 20',
      "t.yaml:6:62: jitter: expected a duration such as 10ms, 1.5s, 250us or 100ns, got '1 parsec'",
      't.yaml:6:83: duplicate: must be between 0 and 1 (0% and 100%), got -0.1',
      't.yaml:9:27: ip: 10.0.0.1 needs a prefix length, e.g. 10.0.0.1/24',
      "t.yaml:10:27: ip: expected an address with a prefix length such as 10.0.0.1/24, got '10.0.0.300/24'",
      "t.yaml:10:51: gateway: expected an IPv4 address such as 10.0.0.254 (without a prefix length), got '10.0.0.1/24'",
      "t.yaml:11:33: aging: expected a duration such as 10ms, 1.5s, 250us or 100ns, got 'forever'",
      't.yaml:11:58: mac_table_size: expected a whole number from 1 to 1,000,000, got 0',
      "t.yaml:14:13: rate: expected a positive rate; rates are in bits per second (1 byte = 8 bits): write e.g. 80Mbps for 10 MB/s, got '10MB/s'",
      "t.yaml:15:15: preset: expected lan, man or wan, got 'wann' (did you mean 'wan'?)",
    ]);
  });

  it('endpoints: unknown nodes and interfaces, an interface used twice, self-links', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: 10.0.0.1/24 }',
      '    h2: { kind: host, ip: 10.0.0.2/24 }',
      '    sw1: { kind: switch }', // 5
      '    r1: { kind: router, interfaces: { eth0: 10.0.0.254/24 } }',
      '  links:',
      '    - endpoints: [h1, sw1]',
      '    - endpoints: [h9, sw1]',
      '    - endpoints: [h1, sw1]', // 10
      '    - endpoints: [h2:eth0, sw1:p1]',
      '    - endpoints: [r1, sw1:p1]',
      '    - endpoints: [r1:eth1, sw1]',
      '    - endpoints: [sw1, sw1]',
      '    - endpoints: [h2]', // 15
      '    - endpoints: h2 sw1',
      '    - endpoints: [h2, "sw 1"]',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:9:19: link endpoint 'h9' names no node (did you mean 'h1'?)",
      "t.yaml:10:19: host 'h1' has no free interface for this link: its only interface eth0 is taken by the link at line 8; declare another under 'interfaces'",
      't.yaml:12:23: interface sw1:p1 is already used by the link at line 11',
      "t.yaml:13:19: router 'r1' has no interface 'eth1' (did you mean 'eth0'?); its interfaces: eth0",
      "t.yaml:14:7: a link must join two different nodes, but both ends are 'sw1'",
      't.yaml:15:18: endpoints must be a list of two ends such as [h1:eth0, sw1], got 1 item',
      "t.yaml:16:18: endpoints must be a list of two ends such as [h1:eth0, sw1], got 'h2 sw1'",
      "t.yaml:17:23: node name 'sw 1' must start with a letter and hold only letters, digits, '_', '-' and '.'",
    ]);
  });

  it('a host with two links but one address', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: 10.0.0.1/24 }',
      '    a: { kind: switch }',
      '    b: { kind: switch }',
      '  links: [[h1, a], [h1, b]]',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:6:21: host 'h1' has no free interface for this link: its only interface eth0 is taken by the link at line 6; declare another under 'interfaces'",
    ]);
  });

  it('addresses: duplicates, network/broadcast/loopback, gateways and routes', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: 10.0.0.1/24, gateway: 10.0.1.254 }',
      '    h2: { kind: host, ip: 10.0.0.1/24, gateway: 10.0.0.2 }',
      '    h3: { kind: host, ip: 10.0.0.0/24 }', // 5
      '    h4: { kind: host, ip: 10.0.0.255/24 }',
      '    h5: { kind: host, ip: 127.0.0.1/8 }',
      '    h6: { kind: host, gateway: 10.0.0.254 }',
      '    r1:',
      '      kind: router', // 10
      '      interfaces: { eth0: 10.0.0.254/24, eth1: 10.0.1.1/30 }',
      '      routes:',
      '        - { to: 10.9.0.1/16, via: 10.0.1.2 }',
      '        - { to: 10.8.0.0/16, via: 10.7.0.1 }',
      '        - { to: 10.8.0.0/16, via: 10.0.1.2 }', // 15
      '        - { to: default }',
      '        - { to: default, via: 10.0.0.254 }',
      '    sw1: { kind: switch }',
      '  links: [[h1, sw1], [h2, sw1], [h3, sw1], [h4, sw1], [h5, sw1], [h6, sw1], [r1, sw1]]',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:3:49: gateway 10.0.1.254 is not inside any of h1's subnets (10.0.0.1/24); a next hop must be on a directly connected network",
      't.yaml:4:27: address 10.0.0.1 is already used by h1:eth0 (line 3)',
      't.yaml:4:49: warning: gateway 10.0.0.2 is not the address of any node',
      't.yaml:5:27: 10.0.0.0/24 cannot be an interface address: it is the network address of its subnet; a host needs one inside it, e.g. 10.0.0.1/24',
      't.yaml:6:27: 10.0.0.255/24 cannot be an interface address: it is the broadcast address of its subnet; use another, e.g. 10.0.0.1/24',
      't.yaml:7:27: 127.0.0.1/8 cannot be an interface address: 127.0.0.0/8 is the loopback network and cannot be assigned to an interface',
      't.yaml:8:32: gateway 10.0.0.254: h6 has no address on any interface to reach it from',
      't.yaml:13:17: route to 10.9.0.1/16 has host bits set; did you mean 10.9.0.0/16?',
      "t.yaml:14:35: route via 10.7.0.1 is not inside any of r1's subnets (10.0.0.254/24, 10.0.1.1/30); a next hop must be on a directly connected network",
      't.yaml:15:17: a route to 10.8.0.0/16 is already given at line 14',
      "t.yaml:16:11: a route needs both 'to' (a prefix or default) and 'via' (a next-hop address)",
      "t.yaml:17:31: route via 10.0.0.254 is r1's own address",
    ]);
  });

  it('script: negative times, unknown nodes, lab commands checked against the topology', () => {
    const text = yaml(
      'duration: 5s',
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: 10.0.0.1/24 }',
      '    h2: { kind: host, ip: 10.0.0.2/24 }', // 5
      '  links: [[h1, h2]]',
      'script:',
      '  - { at: -1s, node: h1, run: ping 10.0.0.2 }',
      '  - { at: 1s, node: h3, run: ping 10.0.0.2 }',
      '  - { at: 2s, run: link down h1 h3 }', // 10
      '  - { at: 2s, run: ping 10.0.0.2 }',
      '  - { at: 6s, node: h1, run: pign 10.0.0.2 }',
      '  - { at: 1s, run: node dwn h1 }',
      '  - { node: h1 }',
      '  - { at: 1s, run: reboot }', // 15
      '  - { at: 1s, run: "" }',
      '  - { at: 1s, run: node down h2, nod: h1 }',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:8:11: at: a script step cannot run before the start (time 0), got '-1s'",
      "t.yaml:9:21: script step names no node 'h3' (did you mean 'h1'?)",
      "t.yaml:10:20: link down: no node 'h3' (did you mean 'h1'?)",
      "t.yaml:11:20: 'ping' runs on a node: add 'node:' to say which",
      't.yaml:12:5: warning: this step at 6 s never runs: the run ends at 5 s (duration)',
      // The list is the shell's registry, which grows with every new command.
      `t.yaml:12:30: warning: unknown command 'pign' (did you mean 'ping'?); known: ${NODE_COMMANDS.join(', ')}`,
      "t.yaml:13:20: usage: node down NODE | node up NODE, got 'node dwn h1'",
      "t.yaml:14:5: a script step needs 'at' (when) and 'run' (the command)",
      "t.yaml:15:20: warning: unknown lab command 'reboot'; known: echo, link, node, help",
      't.yaml:16:20: run: the command is empty',
      "t.yaml:17:34: unknown key 'nod' in a script step (did you mean 'node'?)",
    ]);
  });

  it('link commands must name one existing link', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    r1: { kind: router, interfaces: { eth0: 10.0.0.1/30, eth1: 10.0.0.5/30 } }',
      '    r2: { kind: router, interfaces: { eth0: 10.0.0.2/30, eth1: 10.0.0.6/30 } }',
      '    r3: { kind: router }', // 5
      '  links: [[r1, r2], [r1, r2]]',
      'script:',
      '  - { at: 1s, run: link down r1 r2 }',
      '  - { at: 1s, run: link down r1:eth1 r2 }',
      '  - { at: 1s, run: link down r1 r3 }', // 10
      '  - { at: 1s, run: link sideways r1 r2 }',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:5:5: warning: node 'r3' has no links",
      't.yaml:8:20: link down: 2 links join r1 and r2; name the interfaces, e.g. link down r1:eth0 r2:eth0',
      't.yaml:10:20: link down: no link joins r1 and r3',
      "t.yaml:11:20: usage: link down A B | link up A B, got 'link sideways r1 r2'",
    ]);
  });

  it('shared media: link settings belong on the hub; two media cannot be cabled', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    hub1: { kind: hub, rate: 100Mbps }',
      '    bus1: { kind: bus }',
      '    h1: { kind: host, ip: 10.0.0.1/24 }', // 5
      '  links:',
      '    - endpoints: [h1, hub1]',
      '      rate: 1Gbps',
      '      queue: 64KB',
      '    - [hub1, bus1]', // 10
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:8:13: rate: a link to hub 'hub1' is an attachment to its shared medium; set rate, delay and loss on node 'hub1'",
      "t.yaml:10:7: cannot cable hub 'hub1' to bus 'bus1': both are shared media; join them with a switch, or use one hub",
    ]);
  });

  it('a station cannot be unplugged from a hub with link down', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    hub1: { kind: hub }',
      '    h1: { kind: host, ip: 10.0.0.1/24 }',
      '    h2: { kind: host, ip: 10.0.0.2/24 }',
      '  links: [[h1, hub1], [h2, hub1]]',
      'script:',
      '  - { at: 1s, run: link down hub1 h1 }',
    );
    expect(problemLines(text)).toEqual([
      "t.yaml:8:20: link down: h1 is not cabled to hub 'hub1' on its own but taps its shared medium; run 'ip link set eth0 down' on h1, or 'node down hub1' to fail the whole hub",
    ]);
  });

  it('generate: unknown builders and options, builder limits at the option, clashes', () => {
    expect(problemLines(yaml('topology:', '  generate: { kind: rign, routers: 3 }'))).toEqual([
      "t.yaml:2:21: generate needs a kind: one of bus, star, ring, mesh, tree, chain, got 'rign' (did you mean 'ring'?)",
    ]);
    expect(
      problemLines(yaml('topology:', '  generate: { kind: mesh, routers: 5, degree: 3, hostz: 1 }')),
    ).toEqual([
      't.yaml:2:47: an odd degree (3) needs an even number of routers, got 5',
      "t.yaml:2:50: unknown key 'hostz' in generate (mesh) (did you mean 'hosts'?)",
    ]);
    expect(problemLines(yaml('topology:', '  generate: { kind: ring, routers: 300 }'))).toEqual([
      't.yaml:2:36: routers must be a whole number from 3 to 254, got 300',
    ]);
    const clash = yaml(
      'topology:',
      '  generate: { kind: ring, routers: 3 }',
      '  nodes:',
      '    r1: { kind: router }',
      '    srv: { kind: host, ip: 10.1.0.9/24 }', // 5
      '  links:',
      '    - [r1, srv]',
      '    - [srv, h1]',
    );
    expect(problemLines(clash)).toEqual([
      "t.yaml:4:5: node 'r1' is already made by generate (ring, line 2); choose another name",
      "t.yaml:8:13: host 'h1' was made by generate and has no spare interface; attach extra nodes to a generated switch",
    ]);
  });

  it('the file and the topology must be there', () => {
    expect(problemLines('name: x\n')).toEqual([
      "t.yaml:1:1: a scenario needs 'topology' (its nodes and links)",
    ]);
    expect(problemLines('topology: {}\n')).toEqual([
      "t.yaml:1:11: the topology has no nodes; add 'nodes' or 'generate'",
    ]);
    expect(problemLines('')).toEqual([
      "t.yaml:1:1: the file is empty; a scenario needs at least 'topology: {nodes: ..., links: ...}'",
    ]);
    expect(problemLines('- a\n')).toEqual([
      't.yaml:1:1: a scenario must be a map of keys (name, topology, script...), got a list',
    ]);
  });

  it('ScenarioError: code, problems and a message listing them all', () => {
    const text = yaml(
      'topology:',
      '  nodes:',
      '    h1: { kind: host, ip: x }',
      '    h2: { kind: hub, rate: 0 }',
    );
    let error: unknown;
    try {
      parseScenario(text, 'dir/bad.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const se = error as ScenarioError;
    expect(se.code).toBe('scenario-invalid');
    expect(se.problems.map((p) => [p.line, p.column, p.path, p.severity])).toEqual([
      [3, 27, 'topology.nodes.h1.ip', 'error'],
      [4, 28, 'topology.nodes.h2.rate', 'error'],
    ]);
    expect(se.message).toBe(
      [
        'dir/bad.yaml: 2 errors',
        "dir/bad.yaml:3:27: ip: expected an address with a prefix length such as 10.0.0.1/24, got 'x'",
        'dir/bad.yaml:4:28: rate: expected a positive rate, such as 1Gbps, 100Mbps, 64kbps or a number of bit/s, got 0',
      ].join('\n'),
    );
  });
});
