/**
 * A few lines of DOM building instead of a framework: `h('button', { class: 'x', onclick }, 'text')`.
 * Properties starting with `on` are listeners, `class`/`style`/`aria-*`/`data-*`/`role` are
 * attributes, anything else is set as a property (`value`, `checked`, `disabled`...).
 */

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: (Child | Child[])[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

/** Props that must be set as attributes (no property, or a read-only one). */
const ATTRIBUTES = new Set(['class', 'style', 'role', 'for', 'list', 'form', 'tabindex', 'colspan']);

function applyProps(el: HTMLElement, props: Props): void {
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (ATTRIBUTES.has(k) || k.includes('-')) {
      if (v === false) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    } else {
      (el as unknown as Record<string, unknown>)[k] = v;
    }
  }
}

function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replaces an element's children. */
export function replaceChildren(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Saves bytes or text as a file, the way a browser download does. */
export function download(name: string, parts: BlobPart[], type: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = h('a', { href: url, download: name, style: 'display:none' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A tiny event emitter. */
export class Emitter<T> {
  private fns: ((v: T) => void)[] = [];
  on(fn: (v: T) => void): () => void {
    this.fns.push(fn);
    return () => {
      this.fns = this.fns.filter((f) => f !== fn);
    };
  }
  emit(v: T): void {
    for (const f of this.fns) f(v);
  }
}
