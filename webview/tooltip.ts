// One floating tooltip shared by the charts. Lines are set as text, never HTML: layer names come from user code.

export class Tooltip {
  readonly el: HTMLDivElement;

  constructor(doc: Document = document) {
    this.el = doc.createElement('div');
    this.el.className = 'gl-tooltip';
    this.el.setAttribute('role', 'tooltip');
    this.el.hidden = true;
    doc.body.appendChild(this.el);
  }

  show(lines: readonly string[], clientX: number, clientY: number): void {
    this.el.replaceChildren(
      ...lines.map((text, i) => {
        const d = document.createElement('div');
        if (i === 0) d.className = 'gl-tooltip-title';
        d.textContent = text;
        return d;
      }),
    );
    this.el.hidden = false;
    const { innerWidth, innerHeight } = window;
    const r = this.el.getBoundingClientRect();
    const x = clientX + 14 + r.width > innerWidth ? clientX - 14 - r.width : clientX + 14;
    const y = clientY + 14 + r.height > innerHeight ? clientY - 14 - r.height : clientY + 14;
    this.el.style.left = `${Math.max(0, x)}px`;
    this.el.style.top = `${Math.max(0, y)}px`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}
