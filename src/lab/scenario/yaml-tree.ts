/**
 * YAML text → a small tree of maps, sequences and scalars that remembers where each came
 * from (line and column), so every later check can point at the exact spot.
 *
 * Uses the `yaml` package (YAML 1.2, core schema: `yes`/`on` are strings, `1.5` a number)
 * with `LineCounter` for positions. Syntax errors, duplicate keys and multiple documents
 * come back as problems, not exceptions. On top of plain YAML 1.2 it supports merge keys
 * (`<<: *anchor`, explicit keys win). It is hardened against hostile files: size, nesting
 * depth and alias expansion (the "billion laughs") are bounded, and an alias that contains
 * itself is an error.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  parseDocument,
} from 'yaml';
import type { Document } from 'yaml';
import type { Position, ProblemList } from './problem.ts';

export type TreeNode = TreeScalar | TreeMap | TreeSeq;

export interface TreeScalar {
  readonly kind: 'scalar';
  /** null for an empty value (`key:`) or `~`. */
  readonly value: string | number | boolean | null;
  readonly pos: Position;
}

export interface TreeEntry {
  readonly key: string;
  readonly keyPos: Position;
  readonly value: TreeNode;
}

export interface TreeMap {
  readonly kind: 'map';
  readonly entries: readonly TreeEntry[];
  readonly pos: Position;
}

export interface TreeSeq {
  readonly kind: 'seq';
  readonly items: readonly TreeNode[];
  readonly pos: Position;
}

/** Characters in a scenario file. Real ones are a few kilobytes. */
export const MAX_SOURCE_LENGTH = 1_000_000;
/** Tree nodes after alias expansion. */
export const MAX_TREE_NODES = 200_000;
/** Nesting of maps and sequences. */
export const MAX_DEPTH = 64;

const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: "a scenario file holds one YAML document; remove the '---' separator",
  TAB_AS_INDENT: 'tabs are not allowed as indentation in YAML; indent with spaces',
};

/** Parses `text`; returns undefined (with problems reported) when it is not usable YAML. */
export function parseYamlTree(text: string, problems: ProblemList): TreeNode | undefined {
  const start: Position = { line: 1, column: 1 };
  if (text.length > MAX_SOURCE_LENGTH) {
    problems.error(
      start,
      '',
      `the file is too large (${text.length} characters; the limit is ${MAX_SOURCE_LENGTH})`,
    );
    return undefined;
  }
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    // The parser itself recursing too deep on pathological nesting: report, don't crash.
    problems.error(start, '', `invalid YAML: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const at = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const e of doc.errors) {
    const pos = at(e.pos[0]);
    let message = YAML_MESSAGES[e.code] ?? `invalid YAML: ${e.message}`;
    if (e.code === 'DUPLICATE_KEY') message = `duplicate key '${keyTextAt(text, e.pos[0])}'`;
    problems.error(pos, '', message);
  }
  if (doc.errors.length > 0) return undefined;
  if (doc.contents === null) return { kind: 'scalar', value: null, pos: start };
  const converter = new Converter(doc, at, problems);
  const tree = converter.convert(doc.contents, '', 0);
  return converter.failed ? undefined : tree;
}

/** The key text at a duplicate-key error offset (up to the colon or end of line). */
function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const m = /^("([^"\\]|\\.)*"|'([^']|'')*'|[^:\n]*)/.exec(rest);
  const key = (m?.[0] ?? '').trim();
  return key.replace(/^["']|["']$/g, '');
}

class Converter {
  failed = false;
  private count = 0;
  private readonly active = new Set<YamlNode>();
  /** `Alias.resolve` walks the whole document; expansion may ask thousands of times. */
  private readonly targets = new Map<unknown, YamlNode | undefined>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly at: (offset: number) => Position,
    private readonly problems: ProblemList,
  ) {}

  convert(node: unknown, path: string, depth: number): TreeNode {
    const empty = (pos: Position): TreeScalar => ({ kind: 'scalar', value: null, pos });
    if (this.failed) return empty({ line: 1, column: 1 });
    if (++this.count > MAX_TREE_NODES) {
      return this.fail(
        { line: 1, column: 1 },
        path,
        `the document expands to more than ${MAX_TREE_NODES} values (too many aliases?)`,
      );
    }
    if (depth > MAX_DEPTH)
      return this.fail(this.posOf(node), path, `nesting deeper than ${MAX_DEPTH} levels`);
    if (isAlias(node)) {
      let target = this.targets.get(node);
      if (!this.targets.has(node)) {
        target = node.resolve(this.doc);
        this.targets.set(node, target);
      }
      const pos = this.posOf(node);
      if (!target) return this.fail(pos, path, `alias '*${node.source}' names no anchor`);
      if (this.active.has(target))
        return this.fail(pos, path, `alias '*${node.source}' refers to a value that contains it`);
      return this.convert(target, path, depth);
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return empty(this.posOf(node));
    this.active.add(node);
    try {
      const pos = this.posOf(node);
      if (isScalar(node)) return { kind: 'scalar', value: scalarValue(node.value), pos };
      if (isSeq(node)) {
        const items = node.items.map((item, i) => this.convert(item ?? null, `${path}[${i}]`, depth + 1));
        return { kind: 'seq', items, pos };
      }
      return { kind: 'map', entries: this.entries(node.items, path, depth), pos };
    } finally {
      this.active.delete(node);
    }
  }

  private entries(pairs: readonly unknown[], path: string, depth: number): TreeEntry[] {
    const own: TreeEntry[] = [];
    const merged: TreeEntry[] = [];
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      const keyPos = this.posOf(keyNode);
      if (keyNode !== null && !isScalar(keyNode)) {
        this.problems.error(keyPos, path, 'keys must be plain words, not lists or maps');
        continue;
      }
      const key = keyNode === null || keyNode.value === null ? '' : String(keyNode.value);
      const childPath = path === '' ? key : `${path}.${key}`;
      const valueNode = pair.value ?? null;
      if (key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
        merged.push(...this.merge(valueNode, childPath, depth, keyPos));
        continue;
      }
      const value =
        valueNode === null
          ? { kind: 'scalar' as const, value: null, pos: keyPos }
          : this.convert(valueNode, childPath, depth + 1);
      own.push({ key, keyPos, value });
    }
    const ownKeys = new Set(own.map((e) => e.key));
    const seen = new Set<string>();
    const fromMerge = merged.filter((e) => !ownKeys.has(e.key) && !seen.has(e.key) && seen.add(e.key));
    return [...own, ...fromMerge];
  }

  /** `<<: *a` or `<<: [*a, *b]`: the entries of the merged maps (earlier ones win). */
  private merge(value: unknown, path: string, depth: number, keyPos: Position): TreeEntry[] {
    const sources = isSeq(value) ? value.items : [value];
    const out: TreeEntry[] = [];
    for (const source of sources) {
      const tree = this.convert(source ?? null, path, depth + 1);
      if (tree.kind !== 'map') {
        this.problems.error(
          tree.kind === 'scalar' && tree.value === null ? keyPos : tree.pos,
          path,
          "'<<' merges maps only",
        );
        continue;
      }
      out.push(...tree.entries);
    }
    return out;
  }

  private posOf(node: unknown): Position {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.at(range[0]) : { line: 1, column: 1 };
  }

  private fail(pos: Position, path: string, message: string): TreeScalar {
    if (!this.failed) this.problems.error(pos, path, message);
    this.failed = true;
    return { kind: 'scalar', value: null, pos };
  }
}

function scalarValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

/** A short description of a value for messages: `a list`, `a map`, `'abc'`, `42`, `nothing`. */
export function describe(node: TreeNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  if (node.value === null) return 'nothing';
  if (typeof node.value === 'string')
    return `'${node.value.length > 40 ? `${node.value.slice(0, 40)}…` : node.value}'`;
  return String(node.value);
}
