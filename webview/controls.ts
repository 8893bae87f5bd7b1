// The run toolbar (pause / resume / step / stop, enabled by run state) and the status line under it.
import type { BackendName, WebviewToHost } from '../protocol/messages';
import { h, tk, type ValueElement } from './dom';
import { baseName, fmtInt, fmtNum } from './format';
import type { RunStatus, RunStore } from './store';

type ControlCommand = Extract<WebviewToHost, { type: 'control' }>['command'];

const STATE_LABEL: Record<RunStatus['state'], string> = {
  waiting: 'Waiting for a run',
  running: 'Running',
  paused: 'Paused',
  finished: 'Finished',
  stopped: 'Stopped',
  error: 'Error',
};

export class RunControls {
  readonly el: HTMLElement;
  private readonly buttons = new Map<ControlCommand, ValueElement>();
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;

  constructor(
    live: boolean,
    private readonly onCommand: (command: ControlCommand) => void,
  ) {
    this.title = h('h1', { class: 'gl-title' }, 'Gradlens');
    const group = h('div', { class: 'gl-run-buttons', role: 'group', 'aria-label': 'Run controls' });
    const specs: [ControlCommand, string, string][] = [
      ['train', 'Train', 'Train this model file again'],
      ['pause', 'Pause', 'Pause training after the current step'],
      ['resume', 'Resume', 'Resume training'],
      ['step', 'Step', 'Run one more batch, then pause'],
      ['stop', 'Stop', 'Stop the run'],
      // Time travel from a stop (docs/time-travel.md): recorded in the run record, marked on the loss chart.
      ['skip', 'Skip batch', 'Skip this batch: go back to before this step and continue without its batch'],
      ['halve', 'Halve lr', 'Halve the learning rate and continue'],
    ];
    for (const [cmd, label, tip] of specs) {
      const b = tk<ValueElement>(
        'vscode-button',
        { id: `gl-${cmd}`, appearance: cmd === 'stop' || cmd === 'train' || cmd === 'skip' || cmd === 'halve' ? 'secondary' : 'primary', title: tip, 'aria-label': tip },
        label,
      );
      b.addEventListener('click', () => {
        if (!b.disabled && !b.hasAttribute('disabled')) this.onCommand(cmd);
      });
      this.buttons.set(cmd, b);
      group.append(b);
    }
    // A recorded run (the HTML report) has no engine to command.
    group.hidden = !live;
    this.status = h('div', { class: 'gl-status', role: 'status', 'aria-live': 'polite', id: 'gl-status' });
    this.el = h('header', { class: 'gl-header' }, h('div', { class: 'gl-header-row' }, this.title, group), this.status);
  }

  render(store: RunStore): void {
    const st = store.status;
    const live = st.state === 'running' || st.state === 'paused';
    const enabled: Record<ControlCommand, boolean> = {
      // A run that is over, or one going on (then it restarts); nothing before a run has named its model file.
      train: store.run !== undefined,
      pause: st.state === 'running',
      resume: st.state === 'paused',
      step: st.state === 'paused',
      stop: live,
      skip: st.state === 'paused',
      halve: st.state === 'paused',
    };
    const train = this.buttons.get('train');
    if (train) {
      const label = live ? 'Restart' : 'Train again';
      const tip = live ? 'Stop this run and train the model file again from the start' : 'Train this model file again';
      if (train.textContent !== label) train.textContent = label;
      train.setAttribute('title', tip);
      train.setAttribute('aria-label', tip);
    }
    for (const [cmd, b] of this.buttons) {
      if (enabled[cmd]) b.removeAttribute('disabled');
      else b.setAttribute('disabled', '');
    }
    this.title.textContent = store.run ? `Gradlens — ${baseName(store.run.modelFile)}` : 'Gradlens';
    if (store.run) this.title.title = `${store.run.modelFile}\nrun ${store.run.runId}, started ${store.run.startedAt}`;

    const parts: (Node | string)[] = [];
    const pill = h('span', { class: `gl-state gl-state-${st.state}`, 'data-state': st.state }, STATE_LABEL[st.state]);
    parts.push(pill);
    if (st.message) parts.push(h('span', { class: st.state === 'error' ? 'gl-status-error' : 'gl-status-msg' }, st.message));
    const cfg = store.run?.config;
    const field = (label: string, value: string): HTMLElement =>
      h('span', { class: 'gl-field' }, h('span', { class: 'gl-label' }, label), ' ', value);
    if (store.run || st.step > 0) {
      parts.push(field('epoch', `${st.epoch + 1}${cfg?.epochs ? ` / ${cfg.epochs}` : ''}`)); // from 0; 0 epochs: a script's own loop
      parts.push(field('step', `${fmtInt(st.step)}${st.batchesPerEpoch ? ` (batch ${st.batch + 1}/${st.batchesPerEpoch})` : ''}`));
      parts.push(field('loss', fmtNum(st.loss)));
      parts.push(field('samples/s', fmtInt(st.samplesPerSec)));
    }
    const kernels = Object.entries(store.kernels);
    if (kernels.length) {
      const counts = new Map<BackendName, number>();
      for (const [, b] of kernels) counts.set(b, (counts.get(b) ?? 0) + 1);
      const k = field('kernels', [...counts].map(([b, n]) => `${b} ×${n}`).join(' · '));
      k.title = kernels.map(([name, b]) => `${name}: ${b}`).join('\n');
      parts.push(k);
    }
    if (cfg) parts.push(field('optimizer', `${cfg.optimizer} lr ${fmtNum(cfg.lr)} · batch ${cfg.batchSize}`));
    this.status.replaceChildren(...parts);
  }
}
