/**
 * Tabs with the WAI-ARIA tabs pattern: a tablist of buttons, ←/→ (and Home/End) move
 * between tabs and select them, only the selected tab is in the Tab order, each panel is
 * labelled by its tab.
 */
import { h } from './dom.ts';

export interface TabSpec {
  readonly id: string;
  readonly label: () => string;
  readonly panel: HTMLElement;
}

let counter = 0;

export class Tabs {
  readonly element: HTMLElement;
  readonly list: HTMLElement;
  onChange: (id: string) => void = () => {};
  private readonly buttons: HTMLButtonElement[] = [];
  private current = '';

  constructor(
    private readonly specs: readonly TabSpec[],
    label: string,
    extra?: HTMLElement,
  ) {
    const base = `tabs${++counter}`;
    this.list = h('div', { class: 'tab-list', role: 'tablist', 'aria-label': label });
    const panels = h('div', { class: 'tab-panels' });
    specs.forEach((s, i) => {
      const b = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `${base}-tab-${s.id}`,
          'aria-controls': `${base}-panel-${s.id}`,
          'data-tab': s.id,
          onclick: () => this.select(s.id, true),
          onkeydown: (e: KeyboardEvent) => this.key(e, i),
        },
        s.label(),
      );
      this.buttons.push(b);
      this.list.append(b);
      s.panel.id = `${base}-panel-${s.id}`;
      s.panel.setAttribute('role', 'tabpanel');
      s.panel.setAttribute('aria-labelledby', b.id);
      s.panel.classList.add('tab-panel');
      panels.append(s.panel);
    });
    this.element = h(
      'div',
      { class: 'tabs' },
      h('div', { class: 'tab-bar' }, this.list, extra ?? null),
      panels,
    );
    this.select(specs[0]!.id, false);
  }

  get selected(): string {
    return this.current;
  }

  select(id: string, notify = true): void {
    this.current = id;
    this.specs.forEach((s, i) => {
      const on = s.id === id;
      const b = this.buttons[i]!;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      s.panel.hidden = !on;
    });
    if (notify) this.onChange(id);
  }

  private key(e: KeyboardEvent, i: number): void {
    const n = this.specs.length;
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % n;
    else if (e.key === 'ArrowLeft') j = (i - 1 + n) % n;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = n - 1;
    if (j < 0) return;
    e.preventDefault();
    this.select(this.specs[j]!.id, true);
    this.buttons[j]!.focus();
  }
}
