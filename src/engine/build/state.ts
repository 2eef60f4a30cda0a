/**
 * A stage while it is built: the image config so far, its layers, the cache key of
 * everything up to here, and the variables in scope (ENV from the config, ARGs declared in
 * this stage). Expansion follows Docker: ENV wins over an ARG of the same name.
 */
import type { ImageConfig } from '../content/index.js';
import { processWord, processWords, SubstitutionError, type DockerfileProgram } from './dockerfile/index.js';
import type { LayerRef } from './layers.js';
import { envLookup, type Expander } from './metadata.js';

export interface StageResult {
  readonly key: string;
  readonly config: ImageConfig;
  readonly layers: readonly LayerRef[];
}

export class StageState {
  /** ARGs declared in this stage, by name (undefined: declared without any value). */
  readonly args = new Map<string, string | undefined>();
  cmdSet = false;

  constructor(
    public key: string,
    readonly config: ImageConfig,
    readonly layers: LayerRef[],
    private readonly program: DockerfileProgram,
  ) {}

  get runtime(): NonNullable<ImageConfig['config']> {
    return (this.config.config ??= {});
  }

  lookup = (name: string): string | undefined => envLookup(this.runtime.Env, name) ?? this.args.get(name);

  /** The expander for this stage's current variables; substitution errors become plain Errors. */
  expander(): Expander {
    const lex = { escape: this.program.escape };
    const guard = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (err: unknown) {
        if (err instanceof SubstitutionError) throw new Error(err.message, { cause: err });
        throw err;
      }
    };
    return {
      word: (text) => guard(() => processWord(text, this.lookup, lex)),
      words: (text) => guard(() => processWords(text, this.lookup, lex)),
    };
  }

  /** ARG values with a value, as `K=V`, sorted (for RUN's environment and the cache key). */
  argEnv(): string[] {
    return [...this.args].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).sort();
  }

  /** The environment a RUN sees: the config's Env plus ARGs not shadowed by it. */
  runEnv(): string[] {
    const env = [...(this.runtime.Env ?? [])];
    for (const [k, v] of this.args) {
      if (v !== undefined && envLookup(env, k) === undefined) env.push(`${k}=${v}`);
    }
    if (envLookup(env, 'PATH') === undefined) env.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    return env;
  }

  result(): StageResult {
    return { key: this.key, config: this.config, layers: [...this.layers] };
  }
}
