// The panel's "what if" control (docs/time-travel.md): pick a detector threshold, enter a value, and the anomaly
// markers (heatmap, loss chart, warnings) show what the run's detectors would have found with it over the whole
// run so far; Reset shows the run's own again. The host re-scores the run's record (extension/panel/whatIf.ts:
// engine/monitor/replay.ts, the live detectors), since the store here keeps thinned statistics. While a run goes
// on, new steps re-score again (one request in flight, at most one per REFRESH_MS: each streams the whole record),
// so the markers stay live.
import type { DetectorThresholds, HostToWebview, WebviewToHost } from '../protocol/messages';
import { DEFAULT_THRESHOLDS } from '../protocol/thresholds';
import { h, tk, type ValueElement } from './dom';
import { fmtInt } from './format';
import type { RunStore } from './store';

type WhatIfAnswer = Extract<HostToWebview, { type: 'whatIf' }>;
type ThresholdName = keyof DetectorThresholds;

/** While a run goes on, how often "what if" re-scores the growing record. */
const REFRESH_MS = 2000;

const NAMES = Object.keys(DEFAULT_THRESHOLDS) as ThresholdName[];
/** The thresholds users ask about most first (docs/detectors.md); the rest follow in the defaults' order. */
const FIRST: ThresholdName[] = ['lossSpikeRatio', 'lossSpikeSigma', 'explodingNorm', 'explodingRatio', 'vanishingRatio'];
const ORDERED = [...FIRST, ...NAMES.filter((n) => !FIRST.includes(n))];

function isThresholdName(v: string): v is ThresholdName {
  return (NAMES as string[]).includes(v);
}

export class WhatIfControl {
  readonly el: HTMLElement;
  private readonly name: HTMLSelectElement;
  private readonly value: HTMLInputElement;
  private readonly reset: ValueElement;
  private readonly status: HTMLElement;
  /** The thresholds asked for (undefined: the run's own markers are shown). */
  private asked: Partial<DetectorThresholds> | undefined;
  private inFlight = false;
  /** The run grew while a request was in flight: ask again when it is answered. */
  private stale = false;
  private lastAsked = 0;
  private refresh: ReturnType<typeof setTimeout> | undefined;

  constructor(
    live: boolean,
    private readonly store: RunStore,
    private readonly post: (m: WebviewToHost) => void,
    private readonly changed: () => void,
  ) {
    this.name = h('select', { id: 'gl-whatif-name', class: 'gl-select', 'aria-label': 'Detector threshold' });
    for (const n of ORDERED) this.name.append(h('option', { value: n }, n));
    this.value = h('input', {
      id: 'gl-whatif-value',
      class: 'gl-whatif-value',
      type: 'text',
      inputmode: 'decimal',
      spellcheck: 'false',
      'aria-label': 'Threshold value',
      'aria-describedby': 'gl-whatif-status',
    });
    this.name.addEventListener('change', () => this.showDefault());
    const apply = tk<ValueElement>('vscode-button', { id: 'gl-whatif-apply', title: 'Re-score the whole run with this threshold' }, 'Re-score');
    this.reset = tk<ValueElement>(
      'vscode-button',
      { id: 'gl-whatif-reset', appearance: 'secondary', title: "Show the run's own anomaly markers again", disabled: '' },
      'Reset',
    );
    // The toolkit's button is no form control: Enter in the field submits the form, Re-score's click submits too.
    apply.addEventListener('click', () => this.submit());
    this.reset.addEventListener('click', () => {
      if (!this.reset.hasAttribute('disabled')) this.clear();
    });
    this.status = h('span', { id: 'gl-whatif-status', class: 'gl-whatif-status', role: 'status', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'gl-whatif', id: 'gl-whatif', 'aria-label': 'What if: re-score the anomalies with another threshold' },
      h('span', { class: 'gl-label' }, 'What if'),
      this.name,
      h('label', { class: 'gl-inline', for: 'gl-whatif-value' }, '=', this.value),
      apply,
      this.reset,
      this.status,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    // A recorded run (the HTML report) has no host to re-score its record.
    form.hidden = !live;
    this.el = form;
    this.showDefault();
  }

  /** True while "what if" markers are asked for or shown. */
  get active(): boolean {
    return this.asked !== undefined;
  }

  /** The host's answer. */
  receive(answer: WhatIfAnswer): void {
    this.inFlight = false;
    // An answer to an earlier question (Reset, another value or another run since) is not shown.
    if (!this.asked || JSON.stringify(answer.thresholds) !== JSON.stringify(this.asked)) return;
    if (answer.runId !== undefined && this.store.run && answer.runId !== this.store.run.runId) return;
    if (answer.error) {
      this.store.whatIf = undefined;
      this.say(answer.error, true);
    } else {
      this.store.whatIf = { thresholds: answer.thresholds, steps: answer.steps, anomalies: answer.anomalies };
      const set = Object.entries(answer.thresholds)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ');
      const n = answer.anomalies.length;
      const own = this.store.runAnomalies.length;
      this.say(
        `What if ${set}: ${fmtInt(n)} anomal${n === 1 ? 'y' : 'ies'} over ${fmtInt(answer.steps)} steps (the run's own: ${fmtInt(own)}). The markers show these.`,
      );
    }
    this.changed();
    if (this.stale) {
      this.stale = false;
      this.runGrew();
    }
  }

  /** New steps arrived: while "what if" is on, re-score so the markers cover them too. */
  runGrew(): void {
    if (!this.asked || this.refresh) return;
    if (this.inFlight) {
      this.stale = true;
      return;
    }
    const wait = this.lastAsked + REFRESH_MS - Date.now();
    if (wait <= 0) this.request();
    else
      this.refresh = setTimeout(() => {
        this.refresh = undefined;
        this.runGrew();
      }, wait);
  }

  /** A new run (the store was cleared): its own markers, and no "what if" left from the last one. */
  runReset(): void {
    this.asked = undefined;
    this.inFlight = false;
    this.stale = false;
    clearTimeout(this.refresh);
    this.refresh = undefined;
    this.reset.setAttribute('disabled', '');
    this.say('');
  }

  private submit(): void {
    const name = this.name.value;
    const raw = this.value.value.trim();
    const v = Number(raw);
    if (!isThresholdName(name)) return;
    if (raw === '' || !Number.isFinite(v)) {
      this.say(`${name} needs a number, as in ${DEFAULT_THRESHOLDS[name]} (its default)`, true);
      this.value.focus();
      return;
    }
    this.asked = { [name]: v };
    this.reset.removeAttribute('disabled');
    this.say(`Re-scoring with ${name} = ${v}…`);
    this.request();
  }

  private request(): void {
    if (!this.asked) return;
    this.inFlight = true;
    this.lastAsked = Date.now();
    this.post({ type: 'whatIf', thresholds: { ...this.asked } });
  }

  private clear(): void {
    this.store.whatIf = undefined;
    this.runReset();
    this.changed();
  }

  private showDefault(): void {
    const n = this.name.value;
    if (isThresholdName(n)) {
      this.value.placeholder = String(DEFAULT_THRESHOLDS[n]);
      this.value.title = `${n}: default ${DEFAULT_THRESHOLDS[n]} (docs/detectors.md)`;
    }
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('gl-status-error', error);
    // The indication that the markers are not the run's own (styles.css).
    this.el.closest('.gl-app')?.classList.toggle('gl-whatif-active', this.store.whatIf !== undefined);
  }
}
