/** The one error type for bad scene input: it always names the file and the field. */
export class SceneError extends Error {
  readonly file: string;
  readonly field: string;

  constructor(file: string, field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
    this.name = 'SceneError';
    this.file = file;
    this.field = field;
  }
}
