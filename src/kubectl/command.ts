/** The shape of one kubectl verb: its flags and what it does (returns the exit code). */
import type { FlagSpecs } from './args.js';
import type { Factory } from './factory.js';

export interface Command {
  readonly name: string;
  readonly flags: FlagSpecs;
  run(f: Factory): Promise<number>;
}

/** `-f`, `-R`, `-o` as several verbs declare them. */
export const fileFlags: FlagSpecs = {
  filename: { type: 'array', short: 'f' },
  recursive: { type: 'bool', short: 'R' },
  kustomize: { type: 'string', short: 'k' },
};

export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
