/**
 * YAML parsing that loads the `yaml` package on first use. Loading it costs 60-150 ms, and
 * most servers never see a YAML body (kubectl sends JSON and protobuf; only server-side
 * apply bodies are YAML), so start-up should not pay for it. `yaml` ships CommonJS, so a
 * synchronous require keeps the callers synchronous.
 */
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
/** The options both our callers use (parse, document and schema options together). */
type ParseOptions = import('yaml').ParseOptions & import('yaml').DocumentOptions & import('yaml').SchemaOptions & import('yaml').ToJSOptions;

let loaded: YamlModule | undefined;

function yamlModule(): YamlModule {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loaded;
}

export function parseYaml(text: string, options?: ParseOptions): unknown {
  return yamlModule().parse(text, options);
}
