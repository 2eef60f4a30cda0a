/** Expected failures of the runtime, with messages as podman prints them. */
export type RuntimeErrorCode =
  | 'CONTAINER_NOT_FOUND' | 'NAME_IN_USE' | 'CONTAINER_RUNNING' | 'CONTAINER_NOT_RUNNING'
  | 'INVALID_ARGUMENT' | 'RUNTIME_FAILED';

export class RuntimeError extends Error {
  constructor(readonly code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

export function containerNotFound(ref: string): RuntimeError {
  return new RuntimeError('CONTAINER_NOT_FOUND', `no container with name or ID "${ref}" found: no such container`);
}

export function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}
