/**
 * Contracts between the engine's parts (image store, snapshots, runtime, builder). Each part
 * lives in its own folder under src/engine/ with an index.ts as its public face; they meet
 * only through these types. The engine knows nothing of the orchestrator.
 *
 * On-disk layout under the engine root (default /var/lib/skiff/engine, or SKIFF_ROOT, or
 * --root): every part keeps its state in its own subfolder of the root.
 *   content/   OCI image layout: oci-layout, index.json, blobs/sha256/<hex>  (image/)
 *   images/    name -> manifest digest references                            (image/)
 *   snapshots/ one unpacked layer per folder, keyed by chain id               (snapshot/)
 *   containers/<id>/  bundle, config, logs, exit status, monitor pid         (runtime/)
 *   build-cache/      builder cache keys -> layer digests                      (build/)
 */

/** The root every engine part works under. */
export interface EngineRoot {
  readonly root: string;
}

export function defaultEngineRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SKIFF_ROOT && env.SKIFF_ROOT !== '' ? env.SKIFF_ROOT : '/var/lib/skiff/engine';
}

/** An OCI image config's `config` section (the runtime's view of an image). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  Shell?: string[];
  OnBuild?: string[] | null;
}

/**
 * A root filesystem ready to be mounted as overlayfs: the image's unpacked layers (top
 * first, as overlayfs' lowerdir wants them) plus the container's own writable dirs.
 * An image with no layers (FROM scratch) has an empty lowerDirs; the runtime then uses the
 * upper dir alone.
 */
export interface RootfsSpec {
  readonly lowerDirs: readonly string[];
  readonly upperDir: string;
  readonly workDir: string;
}

/** An image resolved locally and unpacked, ready for the runtime to build a rootfs on. */
export interface PreparedImage {
  /** The image ID: the digest of its config blob (`sha256:...`). */
  readonly id: string;
  readonly manifestDigest: string;
  /** The reference it was found by, normalised (`docker.io/library/busybox:latest`). */
  readonly reference: string;
  readonly config: ImageRuntimeConfig;
  /** Unpacked layer folders, top layer first (overlayfs lowerdir order). */
  readonly lowerDirs: readonly string[];
  /**
   * The same layers as short paths relative to `cwd` (`l/<12 hex>`, top first). overlayfs
   * takes its mount options in one 4 KiB page, which ~40 absolute layer paths already fill;
   * mount with `cwd` as the working directory and these relative paths for deep images.
   * Optional: added by the image store; absent from other providers.
   */
  readonly shortLowerDirs?: { readonly cwd: string; readonly dirs: readonly string[] };
}

/**
 * What the runtime and the builder need from the image store: find an image by reference or
 * ID and make sure its layers are unpacked. Implemented by src/engine/image (openImageStore).
 * Errors: an unknown image rejects with an Error whose message reads like podman's
 * (`image not known: busybox`), carrying `code: 'IMAGE_NOT_FOUND'`.
 */
export interface ImageProvider {
  prepare(reference: string): Promise<PreparedImage>;
}
