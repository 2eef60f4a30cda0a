/** Expected failures of the image store, with podman-like messages and stable codes. */
export class ImageNotFoundError extends Error {
  readonly code = 'IMAGE_NOT_FOUND';
  constructor(readonly reference: string) {
    super(`image not known: ${reference}`);
    this.name = 'ImageNotFoundError';
  }
}

export class ImageConflictError extends Error {
  readonly code = 'IMAGE_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'ImageConflictError';
  }
}
