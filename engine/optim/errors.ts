// PyTorch raises ValueError for bad hyperparameters; the same name and messages here let users search for them.
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** Throws `Invalid <label>: <value>` unless value >= 0 (NaN fails too, as `not 0.0 <= nan` does in Python). */
export function requireNonNegative(value: number | undefined, label: string): void {
  if (value !== undefined && !(value >= 0)) throw new ValueError(`Invalid ${label}: ${value}`);
}
