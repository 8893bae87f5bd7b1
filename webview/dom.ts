// Tiny DOM builders, and the shapes of the toolkit elements we read (they are custom elements with a value).

export interface ValueElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

export interface CheckedElement extends HTMLElement {
  checked: boolean;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** A toolkit custom element (vscode-button, vscode-dropdown...), created by tag name. */
export function tk<T extends HTMLElement = HTMLElement>(
  tag: string,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): T {
  const el = document.createElement(tag) as T;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

export function option(value: string, label: string): HTMLElement {
  return tk('vscode-option', { value }, label);
}
