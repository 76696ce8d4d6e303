/**
 * Typed keys for the services a node carries (its IPv4 stack, UDP, TCP, resolver...).
 * Like ns-3's `node->GetObject<Ipv4>()`, but typed and without upward imports: each layer
 * defines its own key, and `link/` never learns what IP is.
 */
export class ServiceKey<T> {
  declare readonly _type?: T;
  constructor(readonly name: string) {}
}
