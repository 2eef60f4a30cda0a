/** Build failures as the user sees them: with the Dockerfile line when one is to blame. */
export class BuildError extends Error {
  constructor(
    message: string,
    /** `Dockerfile:12` style location, when the error belongs to an instruction. */
    readonly location?: { file: string; line: number },
    /** Output of a failed RUN, shown under the error. */
    readonly output?: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(location ? `${location.file}:${location.line}: ${message}` : message, options);
    this.name = 'BuildError';
  }
}
