/**
 * The packet inspector, in Wireshark's arrangement: the packet list (every frame sent on
 * every link: number, time, interface, source, destination, protocol, length, info) with
 * a display filter above it, and for the selected packet the layered decode (Ethernet >
 * IPv4 > TCP ...) with every field, beside the hex and ASCII of the frame in which the
 * selected field's bytes are highlighted. The list is virtualised (virtual-list.ts).
 *
 * With "Decrypt TLS with the run's keys" on (the default), TLS connections are decrypted
 * with the run's key log as Wireshark does with one: the list's Protocol and Info say
 * what the records hide (`HTTP  GET / HTTP/1.1`), and the decode goes on under TLS to
 * HTTP. Decrypted bytes are not in the frame: they get hex tabs of their own beside the
 * frame's ("Decrypted TLS (N bytes)", Wireshark's tabs), and a decrypted field marks its
 * bytes in its record's tab. Off, the capture is what an eavesdropper sees.
 *
 * The filter box turns green for a valid filter and red, with the reason, for a bad one
 * (display-filter.ts has the language). "Follow" keeps the newest packet in view while
 * the capture grows; scrolling or selecting a packet turns it off.
 */
import type { Field, Layer } from '../../../src/tools/dissect/types.ts';
import type { PacketRow } from '../engine/lab-engine.ts';
import { FILTER_NAMES } from '../engine/display-filter.ts';
import type { PacketDetail, Tick } from '../worker/protocol.ts';
import type { LabContext } from './context.ts';
import { h, replaceChildren } from './dom.ts';
import * as fmt from './format.ts';
import { t } from './i18n.ts';
import { VirtualList } from './virtual-list.ts';

export class PacketsView {
  readonly element: HTMLElement;
  readonly list: VirtualList<PacketRow>;
  private readonly filter: HTMLInputElement;
  private readonly filterError: HTMLElement;
  private readonly countLabel: HTMLElement;
  private readonly follow: HTMLInputElement;
  private readonly tree: HTMLElement;
  private readonly hex: HTMLElement;
  private readonly hexTabs: HTMLElement;
  private readonly decrypt: HTMLInputElement;
  private detail: PacketDetail | null = null;
  /** Whose bytes the hex shows: -1 the frame, else a decrypted record (`Layer.source`). */
  private hexSource = -1;
  private filterTimer = 0;
  private appliedFilter = '';

  constructor(private readonly ctx: LabContext) {
    this.list = new VirtualList<PacketRow>(
      [
        { id: 'no', label: t('pkt.no'), width: '4.5em', cell: (r) => String(r.index + 1), align: 'right' },
        {
          id: 'time',
          label: t('pkt.time'),
          width: '7.5em',
          cell: (r) => fmt.seconds(r.time).replace(' s', ''),
          align: 'right',
        },
        { id: 'iface', label: t('pkt.iface'), width: '6.5em', cell: (r) => r.iface },
        { id: 'src', label: t('pkt.source'), width: '9.5em', cell: (r) => r.source },
        { id: 'dst', label: t('pkt.destination'), width: '9.5em', cell: (r) => r.destination },
        { id: 'proto', label: t('pkt.protocol'), width: '4.5em', cell: (r) => r.protocol },
        { id: 'len', label: t('pkt.length'), width: '3.5em', cell: (r) => String(r.length), align: 'right' },
        { id: 'info', label: t('pkt.info'), width: 'minmax(12em, 1fr)', cell: (r) => r.info },
      ],
      (from, to) => ctx.client.request({ type: 'rows', from, to }).then((r) => r.rows),
      t('pkt.list'),
      (r) => `proto-${r.protocol.toLowerCase()}`,
    );
    this.list.onSelect = (_row, data) => {
      this.follow.checked = false;
      if (data) void this.showDetail(data.index);
    };
    this.list.onUserScroll = () => {
      const l = this.list;
      const el = l.element.querySelector('.vlist-scroller')!;
      if (el.scrollTop + el.clientHeight < el.scrollHeight - l.rowHeight) this.follow.checked = false;
    };
    this.filterError = h('span', { class: 'filter-error', id: 'filter-error', role: 'status' });
    this.filter = h('input', {
      type: 'text',
      class: 'filter',
      spellcheck: false,
      placeholder: t('pkt.filterPlaceholder'),
      'aria-label': t('pkt.filter'),
      'aria-describedby': 'filter-error',
      list: 'filter-names',
      oninput: () => {
        clearTimeout(this.filterTimer);
        this.filterTimer = window.setTimeout(() => void this.applyFilter(), 350);
      },
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === 'Enter') {
          clearTimeout(this.filterTimer);
          void this.applyFilter();
        }
      },
    });
    const names = h(
      'datalist',
      { id: 'filter-names' },
      FILTER_NAMES.map((n) => h('option', { value: n })),
    );
    this.countLabel = h('span', { class: 'muted count', 'aria-live': 'polite' });
    this.follow = h('input', { type: 'checkbox', checked: true, id: 'pkt-follow' });
    this.follow.addEventListener('change', () => {
      if (this.follow.checked) this.list.scrollToEnd();
    });
    this.tree = h(
      'div',
      { class: 'pkt-tree', 'aria-label': t('pkt.detail') },
      h('p', { class: 'muted' }, t('pkt.none')),
    );
    this.hex = h('pre', { class: 'pkt-hex', 'aria-label': t('pkt.bytes') });
    this.hexTabs = h('div', { class: 'pkt-hex-tabs', role: 'tablist', 'aria-label': t('pkt.bytes') });
    this.decrypt = h('input', { type: 'checkbox', checked: true, id: 'pkt-decrypt' });
    this.decrypt.addEventListener('change', () => void this.setDecrypt(this.decrypt.checked));
    this.element = h(
      'div',
      { class: 'packets' },
      h(
        'div',
        { class: 'pkt-toolbar' },
        this.filter,
        names,
        h('button', { type: 'button', onclick: () => void this.applyFilter() }, t('pkt.apply')),
        h('label', { class: 'check' }, this.follow, t('pkt.follow')),
        h('label', { class: 'check', title: t('pkt.decryptHint') }, this.decrypt, t('pkt.decrypt')),
        this.countLabel,
        this.filterError,
      ),
      h(
        'div',
        { class: 'pkt-body' },
        this.list.element,
        h(
          'div',
          { class: 'pkt-detail' },
          this.tree,
          h('div', { class: 'pkt-bytes' }, this.hexTabs, this.hex),
        ),
      ),
    );
    ctx.showPacket.on((index) => void this.reveal(index));
  }

  applyTick(tick: Tick): void {
    this.list.setTotal(tick.visible);
    if (this.follow.checked && tick.visible > 0) this.list.scrollToEnd();
    this.showCount(tick.visible, tick.packets, tick.captureDropped);
  }

  private showCount(visible: number, total: number, dropped: number): void {
    this.countLabel.textContent =
      this.appliedFilter === ''
        ? t('pkt.count', { n: fmt.count(total) })
        : t('pkt.countFiltered', { n: fmt.count(visible), total: fmt.count(total) });
    if (dropped > 0) this.countLabel.textContent += ` — ${t('pkt.full', { n: fmt.count(dropped) })}`;
  }

  /**
   * Turns decryption on or off: the filter runs again (`http` finds HTTP inside TLS only
   * with decryption on), and the rows on screen and the open packet are fetched again.
   */
  private async setDecrypt(on: boolean): Promise<void> {
    const { visible } = await this.ctx.client.request({ type: 'decrypt', on });
    const open = this.detail?.row.index;
    this.list.reset(visible);
    const last = this.ctx.lastTick;
    this.showCount(visible, last?.packets ?? visible, last?.captureDropped ?? 0);
    if (open !== undefined) {
      const { row } = await this.ctx.client.request({ type: 'rowOf', packet: open });
      if (row >= 0) this.list.select(row);
      await this.showDetail(open);
    }
  }

  reset(): void {
    this.detail = null;
    this.hexSource = -1;
    this.hexTabs.replaceChildren();
    this.list.reset(this.ctx.lastTick?.visible ?? 0);
    replaceChildren(this.tree, h('p', { class: 'muted' }, t('pkt.none')));
    this.hex.replaceChildren();
    if (this.appliedFilter !== '') void this.applyFilter(true);
  }

  private async applyFilter(force = false): Promise<void> {
    const text = this.filter.value.trim();
    if (text === this.appliedFilter && !force) return;
    const r = await this.ctx.client.request({ type: 'filter', text });
    if ('error' in r) {
      this.filter.classList.remove('valid');
      this.filter.classList.add('invalid');
      this.filter.setAttribute('aria-invalid', 'true');
      this.filterError.textContent = `${r.error} (${t('pkt.at', { n: r.at + 1 })})`;
      return;
    }
    this.appliedFilter = text;
    this.filter.classList.remove('invalid');
    this.filter.classList.toggle('valid', text !== '');
    this.filter.removeAttribute('aria-invalid');
    this.filterError.textContent = '';
    this.list.reset(r.count);
    const last = this.ctx.lastTick;
    this.showCount(r.count, last?.packets ?? r.count, last?.captureDropped ?? 0);
    if (this.follow.checked) this.list.scrollToEnd();
  }

  /** Shows packet `index` (from the ladder), clearing the selection if the filter hides it. */
  private async reveal(index: number): Promise<void> {
    const { row } = await this.ctx.client.request({ type: 'rowOf', packet: index });
    this.follow.checked = false;
    if (row < 0) {
      this.ctx.notice.emit(t('pkt.hidden', { n: index + 1 }));
      await this.showDetail(index);
      return;
    }
    this.list.select(row);
    await this.showDetail(index);
  }

  private async showDetail(index: number): Promise<void> {
    const d = await this.ctx.client.request({ type: 'packet', index });
    if (!d) return;
    this.detail = d;
    replaceChildren(
      this.tree,
      h(
        'p',
        { class: 'pkt-frame' },
        t('pkt.frame', {
          n: d.row.index + 1,
          len: d.bytes.length,
          iface: d.row.iface,
          time: fmt.seconds(d.row.time),
        }),
      ),
      d.layers.map((l) => this.layer(l)),
    );
    this.hexSource = -1;
    this.renderTabs();
    this.renderHex(d.bytes, -1, 0);
  }

  /** Tabs under the hex: the frame, and each decrypted record (only when there are some). */
  private renderTabs(): void {
    const d = this.detail;
    if (!d || d.sources.length === 0) {
      this.hexTabs.replaceChildren();
      return;
    }
    const tab = (source: number, label: string) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: 'pkt-hex-tab',
          'aria-selected': String(source === this.hexSource),
          'data-source': source,
          onclick: () => this.highlight(source, -1, 0),
        },
        label,
      );
    replaceChildren(this.hexTabs, [
      tab(-1, t('pkt.frameBytes', { n: d.bytes.length })),
      ...d.sources.map((s, i) => tab(i, s.name)),
    ]);
  }

  private layer(l: Layer): HTMLElement {
    const source = l.source ?? -1;
    const summary = h(
      'summary',
      {
        onfocus: () => this.highlight(source, l.offset, l.length),
        onmouseenter: () => this.highlight(source, l.offset, l.length),
      },
      l.title,
    );
    return h(
      'details',
      { open: true, class: 'pkt-layer' },
      summary,
      l.problem ? h('p', { class: 'pkt-problem', role: 'note' }, `⚠ ${l.problem}`) : null,
      h(
        'ul',
        null,
        l.fields.map((f) => this.field(f, source)),
      ),
    );
  }

  private field(f: Field, source: number): HTMLElement {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'pkt-field',
        'data-offset': f.offset,
        'data-length': f.length,
        'data-source': source,
        onclick: (e: MouseEvent) => {
          for (const b of this.tree.querySelectorAll('.pkt-field.selected')) b.classList.remove('selected');
          (e.currentTarget as HTMLElement).classList.add('selected');
          this.highlight(source, f.offset, f.length);
        },
        onfocus: () => this.highlight(source, f.offset, f.length),
      },
      `${f.name}: ${f.value}`,
    );
    return h(
      'li',
      null,
      button,
      f.children?.length
        ? h(
            'ul',
            null,
            f.children.map((c) => this.field(c, source)),
          )
        : null,
    );
  }

  private highlight(source: number, offset: number, length: number): void {
    const d = this.detail;
    if (!d) return;
    const bytes = source < 0 ? d.bytes : d.sources[source]?.bytes;
    if (bytes === undefined) return;
    if (source !== this.hexSource) {
      this.hexSource = source;
      for (const b of this.hexTabs.querySelectorAll('.pkt-hex-tab'))
        b.setAttribute('aria-selected', String(Number((b as HTMLElement).dataset.source) === source));
    }
    this.renderHex(bytes, offset, length);
  }

  /** Offset, 16 bytes in hex, the same in ASCII; bytes of the selected field marked. */
  private renderHex(bytes: Uint8Array, from: number, length: number): void {
    const to = from + length;
    const lines: HTMLElement[] = [];
    for (let row = 0; row < bytes.length; row += 16) {
      const hexCells: (HTMLElement | string)[] = [];
      const ascii: (HTMLElement | string)[] = [];
      for (let i = row; i < row + 16; i++) {
        if (i >= bytes.length) {
          hexCells.push('   ');
          continue;
        }
        const b = bytes[i]!;
        const on = i >= from && i < to;
        const hx = b.toString(16).padStart(2, '0');
        const ch = b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
        hexCells.push(on ? h('mark', null, hx) : hx, i === row + 7 ? '  ' : ' ');
        ascii.push(on ? h('mark', null, ch) : ch);
      }
      lines.push(h('div', null, `${row.toString(16).padStart(4, '0')}  `, hexCells, ' ', ascii));
    }
    replaceChildren(this.hex, lines);
    const first = this.hex.querySelector('mark');
    first?.scrollIntoView({ block: 'nearest' });
  }
}
