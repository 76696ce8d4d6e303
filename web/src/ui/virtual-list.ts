/**
 * A virtualised grid: however many rows there are (a million packets), only the rows in
 * view exist in the page — a fixed pool of row elements refilled as you scroll — and rows
 * are fetched from the worker a window at a time, cached, and drawn as placeholders for
 * the few frames until they arrive.
 *
 * Browsers cap an element's height (Chromium near 33 million pixels, Firefox near 17),
 * so past MAX_SCROLL_PX the scrollbar maps proportionally onto the rows instead of one
 * pixel per pixel: the thumb still says where you are, and every row stays reachable.
 *
 * Keyboard (the grid is focusable): ↑/↓ move the selection, PageUp/PageDown by a screen,
 * Home/End to the first/last row, Enter to select the focused row.
 */
import { h } from './dom.ts';

const MAX_SCROLL_PX = 8_000_000;
const CACHE_ROWS = 4000;
const OVERSCAN = 20;

export interface Column<R> {
  readonly id: string;
  readonly label: string;
  /** CSS width (`6em`, `1fr`). */
  readonly width: string;
  readonly cell: (row: R) => string;
  readonly align?: 'right';
}

export class VirtualList<R> {
  readonly element: HTMLElement;
  onSelect: (row: number, data: R | undefined) => void = () => {};
  /** Called when the person scrolls (so a "follow" mode can turn itself off). */
  onUserScroll: () => void = () => {};
  readonly rowHeight = 22;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly window: HTMLElement;
  private pool: HTMLElement[] = [];
  private total = 0;
  private readonly cache = new Map<number, R>();
  private inFlight: { from: number; to: number } | null = null;
  private selected = -1;
  /** A row selected before it was fetched: reported when it arrives. */
  private undelivered = -1;
  private first = 0;
  private programmatic = false;
  private generation = 0;

  constructor(
    private readonly columns: readonly Column<R>[],
    private readonly fetch: (from: number, to: number) => Promise<R[]>,
    label: string,
    private readonly rowClass: (row: R) => string = () => '',
  ) {
    const template = columns.map((c) => c.width).join(' ');
    const header = h(
      'div',
      { class: 'vlist-header', role: 'row', style: `grid-template-columns:${template}` },
      columns.map((c) =>
        h('div', { role: 'columnheader', class: c.align === 'right' ? 'right' : '' }, c.label),
      ),
    );
    // The window of rows sits inside the spacer, which clips it: the rows never make the
    // scrolled content taller than the rows it stands for.
    this.window = h('div', { class: 'vlist-window', role: 'rowgroup' });
    this.spacer = h('div', { class: 'vlist-spacer' }, this.window);
    this.scroller = h('div', { class: 'vlist-scroller' }, this.spacer);
    this.element = h(
      'div',
      {
        class: 'vlist',
        role: 'grid',
        tabindex: 0,
        'aria-label': label,
        'aria-rowcount': 0,
        style: `--cols:${template}`,
        onkeydown: (e: KeyboardEvent) => this.key(e),
      },
      header,
      this.scroller,
    );
    this.scroller.addEventListener('scroll', () => {
      if (!this.programmatic) this.onUserScroll();
      this.programmatic = false;
      this.render();
    });
    this.scroller.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
      if (!row) return;
      this.select(Number(row.dataset.row));
    });
    new ResizeObserver(() => this.render()).observe(this.scroller);
  }

  get count(): number {
    return this.total;
  }

  get selectedRow(): number {
    return this.selected;
  }

  /** New rows at the end (a growing capture): cached rows stay valid. */
  setTotal(total: number): void {
    if (total === this.total) return;
    this.total = total;
    this.element.setAttribute('aria-rowcount', String(total));
    this.layout();
    this.render();
  }

  /** Everything changed (a new filter, a new run). */
  reset(total: number): void {
    this.generation++;
    this.cache.clear();
    this.inFlight = null;
    this.selected = -1;
    this.undelivered = -1;
    this.total = -1;
    this.setTotal(total);
  }

  scrollToEnd(): void {
    this.programmatic = true;
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.render();
  }

  /** Scrolls so `row` is in view. */
  reveal(row: number): void {
    const view = this.visibleRows();
    if (row >= this.first && row < this.first + view - 1) return;
    const target = Math.max(0, row - Math.floor(view / 2));
    this.programmatic = true;
    this.scroller.scrollTop = this.scrollFor(target);
    this.render();
  }

  select(row: number): void {
    if (row < 0 || row >= this.total) return;
    this.selected = row;
    this.reveal(row);
    this.render();
    const data = this.cache.get(row);
    this.undelivered = data === undefined ? row : -1;
    this.onSelect(row, data);
  }

  focus(): void {
    this.element.focus();
  }

  /** Rows currently drawn (for the benchmark: the page holds only these). */
  get rowElements(): number {
    return this.pool.length;
  }

  private visibleRows(): number {
    return Math.max(1, Math.ceil(this.scroller.clientHeight / this.rowHeight));
  }

  private fullHeight(): number {
    return this.total * this.rowHeight;
  }

  private scaled(): boolean {
    return this.fullHeight() > MAX_SCROLL_PX;
  }

  private scrollFor(row: number): number {
    if (!this.scaled()) return row * this.rowHeight;
    const range = MAX_SCROLL_PX - this.scroller.clientHeight;
    return (row / Math.max(1, this.total - this.visibleRows())) * range;
  }

  private layout(): void {
    this.spacer.style.height = `${Math.min(this.fullHeight(), MAX_SCROLL_PX)}px`;
  }

  private render(): void {
    const view = this.visibleRows();
    const top = this.scroller.scrollTop;
    let first: number;
    let offset: number;
    if (this.scaled()) {
      const range = Math.max(1, MAX_SCROLL_PX - this.scroller.clientHeight);
      first = Math.round((top / range) * Math.max(0, this.total - view));
      offset = 0;
    } else {
      first = Math.floor(top / this.rowHeight);
      offset = top - first * this.rowHeight;
    }
    first = Math.max(0, Math.min(first, Math.max(0, this.total - 1)));
    this.first = first;
    while (this.pool.length < view + 1) {
      const el = h(
        'div',
        { class: 'vlist-row', role: 'row' },
        this.columns.map((c) => h('div', { role: 'gridcell', class: c.align === 'right' ? 'right' : '' })),
      );
      this.pool.push(el);
      this.window.append(el);
    }
    this.window.style.transform = `translateY(${top - offset}px)`;
    let missing = -1;
    let lastMissing = -1;
    this.pool.forEach((el, k) => {
      const row = first + k;
      if (row >= this.total) {
        el.hidden = true;
        return;
      }
      el.hidden = false;
      el.dataset.row = String(row);
      el.setAttribute('aria-rowindex', String(row + 1));
      el.setAttribute('aria-selected', String(row === this.selected));
      const data = this.cache.get(row);
      const cells = el.children;
      if (data === undefined) {
        if (missing < 0) missing = row;
        lastMissing = row;
        el.className = 'vlist-row loading';
        for (let c = 0; c < cells.length; c++) cells[c]!.textContent = c === 0 ? String(row + 1) : '';
      } else {
        el.className = `vlist-row ${this.rowClass(data)}${row === this.selected ? ' selected' : ''}`;
        this.columns.forEach((col, c) => {
          const text = col.cell(data);
          if (cells[c]!.textContent !== text) cells[c]!.textContent = text;
        });
      }
    });
    if (missing >= 0)
      this.want(Math.max(0, missing - OVERSCAN), Math.min(this.total, lastMissing + 1 + OVERSCAN));
  }

  /** Fetches rows `from` .. `to`; one request at a time (the next render asks for what is still missing). */
  private want(from: number, to: number): void {
    if (this.inFlight) return;
    const w = { from, to };
    this.inFlight = w;
    const gen = this.generation;
    this.fetch(w.from, w.to).then(
      (rows) => {
        if (gen !== this.generation) return;
        this.inFlight = null;
        rows.forEach((r, i) => {
          this.cache.set(w.from + i, r);
        });
        const late = this.undelivered >= 0 ? this.cache.get(this.undelivered) : undefined;
        if (late !== undefined) {
          const row = this.undelivered;
          this.undelivered = -1;
          this.onSelect(row, late);
        }
        if (this.cache.size > CACHE_ROWS) {
          // Forget the rows farthest from the view.
          const keep = this.first;
          const keys = [...this.cache.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
          for (const k of keys.slice(0, this.cache.size - CACHE_ROWS)) this.cache.delete(k);
        }
        this.render();
      },
      () => {
        if (gen === this.generation) this.inFlight = null;
      },
    );
  }

  private key(e: KeyboardEvent): void {
    const view = this.visibleRows();
    let row = this.selected < 0 ? this.first : this.selected;
    switch (e.key) {
      case 'ArrowDown':
        row++;
        break;
      case 'ArrowUp':
        row--;
        break;
      case 'PageDown':
        row += view - 1;
        break;
      case 'PageUp':
        row -= view - 1;
        break;
      case 'Home':
        row = 0;
        break;
      case 'End':
        row = this.total - 1;
        break;
      case 'Enter':
        break;
      default:
        return;
    }
    e.preventDefault();
    this.select(Math.max(0, Math.min(this.total - 1, row)));
  }
}
