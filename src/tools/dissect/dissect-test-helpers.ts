/** Test helpers: reach into a dissection's tree by field names. */
import type { Field, Layer } from './types.ts';

/** The first field named `name` anywhere under `fields` (depth first), or undefined. */
export function findField(fields: readonly Field[], name: string): Field | undefined {
  for (const f of fields) {
    if (f.name === name) return f;
    const inner = f.children && findField(f.children, name);
    if (inner) return inner;
  }
  return undefined;
}

/** Every field named `name` under `fields`, depth first. */
export function allFields(fields: readonly Field[], name: string): Field[] {
  return fields.flatMap((f) => [...(f.name === name ? [f] : []), ...allFields(f.children ?? [], name)]);
}

/** The field at a path of names from a layer (`'TLSv1 Record Layer', 'Handshake Protocol'`); throws if absent. */
export function fieldAt(layer: Layer, ...names: string[]): Field {
  let fields = layer.fields;
  let found: Field | undefined;
  for (const name of names) {
    found = fields.find((f) => f.name === name);
    if (!found) throw new Error(`no field '${name}' (have ${fields.map((f) => f.name).join(', ')})`);
    fields = found.children ?? [];
  }
  return found!;
}

/** `[value, offset, length]` of a field: what the inspector shows and highlights. */
export function where(f: Field | undefined): [string, number, number] | undefined {
  return f && [f.value, f.offset, f.length];
}
