// Data errors tell the user what to change: the source, the file, the column or the option at fault.

export class DataError extends Error {
  constructor(
    /** The data source, e.g. 'csv' or 'mnist'. */
    readonly source: string,
    message: string,
  ) {
    super(`data.${source}: ${message}`);
    this.name = 'DataError';
  }
}
