// PyTorch raises ValueError for bad hyperparameters; the same name and messages here let users search for them.
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/**
 * Throws `Invalid <label>: <value>` unless value >= 0 (NaN fails too, as `not 0.0 <= nan` does in Python). Unlike
 * JavaScript's `'0.1' >= 0`, a string is refused (it would travel to the panel as a string), and so is Infinity:
 * an infinite learning rate turns every weight into NaN, which was then blamed on the next layer's forward pass.
 */
export function requireNonNegative(value: number | undefined, label: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number') throw new ValueError(`Invalid ${label}: ${JSON.stringify(value)} is a ${typeof value}, not a number`);
  if (!(value >= 0)) throw new ValueError(`Invalid ${label}: ${value}`);
  if (value === Infinity) throw new ValueError(`Invalid ${label}: Infinity (it must be a finite number)`);
}
