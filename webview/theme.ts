// Colours for drawing, read from the CSS custom properties (which follow --vscode-* inside VS Code and the
// body's vscode-light/dark/high-contrast class in a plain page). Charts write these as SVG attributes rather than
// CSS classes so an exported SVG keeps its colours outside the page.

export interface Palette {
  fg: string;
  muted: string;
  bg: string;
  grid: string;
  border: string;
  accent: string;
  accent2: string;
  accent3: string;
  warn: string;
  error: string;
  focus: string;
  fontFamily: string;
  highContrast: boolean;
}

export function readPalette(el: Element = document.body): Palette {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--gl-fg', '#333'),
    muted: v('--gl-muted', '#777'),
    bg: v('--gl-bg', '#fff'),
    grid: v('--gl-grid', 'rgba(128,128,128,0.25)'),
    border: v('--gl-border', 'rgba(128,128,128,0.35)'),
    accent: v('--gl-accent', '#1f77b4'),
    accent2: v('--gl-accent2', '#ff7f0e'),
    accent3: v('--gl-accent3', '#2ca02c'),
    warn: v('--gl-warn', '#bf8803'),
    error: v('--gl-error', '#e51400'),
    focus: v('--gl-focus', '#007fd4'),
    fontFamily: v('--gl-font', 'system-ui, sans-serif'),
    highContrast: document.body.classList.contains('vscode-high-contrast'),
  };
}

export type ThemeKind = 'light' | 'dark' | 'highContrast';

const THEME_CLASSES: Record<ThemeKind, string> = {
  light: 'vscode-light',
  dark: 'vscode-dark',
  highContrast: 'vscode-high-contrast',
};

/** Sets the body class VS Code would set; used by the plain page and by the host's `theme` message. */
export function applyThemeClass(kind: ThemeKind, body: HTMLElement = document.body): void {
  body.classList.remove(...Object.values(THEME_CLASSES));
  body.classList.add(THEME_CLASSES[kind]);
}

export function hasThemeClass(body: HTMLElement = document.body): boolean {
  return Object.values(THEME_CLASSES).some((c) => body.classList.contains(c));
}
