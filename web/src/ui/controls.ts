/**
 * The clock's controls: play / pause, one event at a time, speed from ×0.001 to ×1000 of
 * real time (a logarithmic slider), jump to a time (forward runs the simulation; back
 * replays the run from the start, with everything done to it), reset with a seed. Space
 * plays and pauses and `.` steps, unless typing in a field.
 */
import type { Tick } from '../worker/protocol.ts';
import type { LabContext } from './context.ts';
import { h } from './dom.ts';
import * as fmt from './format.ts';
import { t } from './i18n.ts';

export class Controls {
  readonly element: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly step: HTMLButtonElement;
  private readonly speed: HTMLInputElement;
  private readonly speedOut: HTMLOutputElement;
  private readonly clock: HTMLElement;
  private readonly status: HTMLElement;
  private readonly jump: HTMLInputElement;
  private readonly seed: HTMLInputElement;
  private playing = false;
  private readonly onKey = (e: KeyboardEvent) => this.key(e);

  constructor(ctx: LabContext) {
    const client = ctx.client;
    this.play = h('button', {
      type: 'button',
      class: 'primary play',
      'aria-keyshortcuts': 'Space',
      onclick: () => void client.request({ type: this.playing ? 'pause' : 'play' }),
    });
    this.step = h(
      'button',
      {
        type: 'button',
        'aria-keyshortcuts': '.',
        title: t('ctl.stepHelp'),
        onclick: () => void client.request({ type: 'step' }),
      },
      `${t('ctl.step')} ▸`,
    );
    const initial = ctx.lastTick?.speed ?? 1;
    this.speed = h('input', {
      type: 'range',
      min: -3,
      max: 3,
      step: 0.05,
      value: String(Math.log10(initial)),
      'aria-label': t('ctl.speed'),
      id: 'speed',
    });
    this.speedOut = h('output', { for: 'speed', class: 'speed-out' }, fmt.speed(initial));
    this.speed.addEventListener('input', () => {
      const s = snap(10 ** Number(this.speed.value));
      this.speedOut.textContent = fmt.speed(s);
      this.speed.setAttribute('aria-valuetext', fmt.speed(s));
      void client.request({ type: 'speed', speed: s });
    });
    this.clock = h('span', { class: 'clock', 'aria-live': 'off' });
    this.status = h('span', { class: 'run-status', role: 'status' });
    this.jump = h('input', {
      type: 'number',
      min: 0,
      step: 'any',
      class: 'num',
      id: 'jump',
      placeholder: t('ctl.seconds'),
    });
    this.seed = h('input', {
      type: 'number',
      min: 0,
      max: 4294967295,
      step: 1,
      class: 'num seed',
      id: 'seed',
      value: String(ctx.scenario?.seed ?? 1),
    });
    const jumpForm = h(
      'form',
      {
        class: 'inline',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const s = Number(this.jump.value);
          if (!(Number.isFinite(s) && s >= 0)) return;
          client
            .request({ type: 'seek', time: Math.round(s * 1e9) })
            .catch((err: Error) => ctx.notice.emit(err.message));
        },
      },
      h('label', { for: 'jump' }, t('ctl.jump')),
      this.jump,
      h('button', { type: 'submit' }, t('ctl.go')),
    );
    const seedForm = h(
      'form',
      {
        class: 'inline',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const s = Number(this.seed.value);
          client.request({ type: 'reset', seed: s }).catch((err: Error) => ctx.notice.emit(err.message));
        },
      },
      h('label', { for: 'seed' }, t('ctl.seed')),
      this.seed,
      h('button', { type: 'submit', title: t('ctl.resetHelp') }, `↺ ${t('ctl.reset')}`),
    );
    this.element = h(
      'div',
      { class: 'controls', role: 'group', 'aria-label': t('ctl.label') },
      this.play,
      this.step,
      h('label', { class: 'visually-hidden', for: 'speed' }, t('ctl.speed')),
      this.speed,
      this.speedOut,
      h('div', { class: 'clock-box' }, this.clock, this.status),
      jumpForm,
      seedForm,
    );
    this.setPlaying(false);
    document.addEventListener('keydown', this.onKey);
    if (ctx.lastTick) this.applyTick(ctx.lastTick);
  }

  dispose(): void {
    document.removeEventListener('keydown', this.onKey);
  }

  applyTick(tick: Tick): void {
    this.setPlaying(tick.playing);
    this.clock.textContent = `t = ${fmt.seconds(tick.now)}`;
    const parts = [t('ctl.events', { n: fmt.count(tick.events) })];
    if (tick.busy) parts.push(t('ctl.busy'));
    else if (tick.playing && tick.effectiveSpeed < tick.speed * 0.8)
      parts.push(t('ctl.behind', { speed: fmt.speed(tick.effectiveSpeed) }));
    if (tick.ended) parts.push(t('ctl.ended'));
    this.status.textContent = parts.join(' · ');
    this.status.title = tick.playing && tick.effectiveSpeed < tick.speed * 0.8 ? t('ctl.behindHelp') : '';
  }

  setSeed(seed: number): void {
    this.seed.value = String(seed);
  }

  private setPlaying(on: boolean): void {
    if (on === this.playing && this.play.textContent) return;
    this.playing = on;
    this.play.textContent = on ? `‖ ${t('ctl.pause')}` : `▶ ${t('ctl.play')}`;
    this.play.setAttribute('aria-pressed', String(on));
  }

  private key(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, button, [contenteditable], summary, .vlist, .msg')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === ' ') {
      e.preventDefault();
      this.play.click();
    } else if (e.key === '.') {
      e.preventDefault();
      this.step.click();
    }
  }
}

/** Round speeds to 1, 2 or 5 times a power of ten near the slider's value, within 0.001..1000. */
function snap(s: number): number {
  const v = Math.min(1000, Math.max(0.001, s));
  const mag = 10 ** Math.floor(Math.log10(v) + 1e-9);
  const m = v / mag;
  const nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
  return Math.min(1000, Math.max(0.001, Number((nice * mag).toPrecision(3))));
}
