/**
 * Scenario files: YAML → a validated, fully resolved, JSON-serialisable `ScenarioSpec`.
 * The format is documented in docs/scenario-format.md; examples are in examples/.
 *
 * Implemented: nodes (host, router, switch, hub, bus), links with presets and impairments,
 * topology builders via `generate:`, static routes and gateways, DNS (`dns:`), the script, and
 * validation that reports every problem with file:line:column. Not here: building and
 * running the network (the runtime consumes `ScenarioSpec`).
 */
export { parseScenario, type ParsedScenario, TOP_KEYS } from './parse-scenario.ts';
export { formatProblem, type Position, type Problem, ScenarioError, type Severity } from './problem.ts';
export type {
  DnsClientSpec,
  DnsSpec,
  DnsZoneSpec,
  EndpointSpec,
  HostSpec,
  InterfaceSpec,
  Ipv4Prefix,
  LinkParams,
  LinkSpec,
  NodeKind,
  NodeSpec,
  QueueLimit,
  RouterSpec,
  RouteSpec,
  RoutingMode,
  ScenarioSpec,
  ScriptStep,
  SharedMediumSpec,
  SwitchSpec,
} from './spec.ts';
export {
  BUS_DEFAULTS,
  DEFAULT_CONVERGENCE,
  DEFAULT_LINK,
  DEFAULT_ROUTING,
  DEFAULT_SEED,
  DURATION_GRACE,
  HUB_DEFAULTS,
  SWITCH_DEFAULTS,
} from './defaults.ts';
export { NODE_KINDS, type NodeKindInfo, SUPPORTED_KINDS } from './node-kinds.ts';
export { estimatedRunTime, LAB_COMMANDS, NODE_COMMANDS } from './script-commands.ts';
