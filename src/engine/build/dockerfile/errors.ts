/** A Dockerfile problem the user must fix, with the file and line it is on. */
export class DockerfileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'DockerfileError';
  }
}
