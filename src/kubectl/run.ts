/**
 * Runs one kubectl command line: finds the verb, parses its flags, runs it, and turns
 * failures into kubectl's messages and exit code 1.
 */
import { FlagError, parseArgs, splitCommand, UsageError } from './args.js';
import type { Command } from './command.js';
import { Factory, processIO } from './factory.js';
import type { IO } from './factory.js';
import { PlainMessageError, printFailures } from './report.js';
import { commands } from './commands/index.js';

const usage = `kubectl controls the Kubernetes cluster manager.

Basic Commands:
  create          Create a resource from a file or from stdin
  explain         Get documentation for a resource
  get             Display one or many resources
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  scale           Set a new size for a deployment, replica set, or replication controller

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  cluster-info    Display cluster information
  config          Modify kubeconfig files
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]
`;

/** kubectl's message when nothing listens at the server address. */
function connectionRefused(err: unknown, f: Factory | undefined): PlainMessageError | undefined {
  const code = (err as { code?: unknown } | null)?.code ?? (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (code !== 'ECONNREFUSED') return undefined;
  let host = 'localhost:8080';
  try {
    if (f) host = new URL(f.connection().server).host;
  } catch {
    // No usable kubeconfig: kubectl names its default address.
    host = 'localhost:8080';
  }
  return new PlainMessageError(`The connection to the server ${host} was refused - did you specify the right host or port?`, { cause: err });
}

export async function runKubectl(argv: readonly string[], io: IO = processIO): Promise<number> {
  const { verb, index } = splitCommand(argv);
  if (!verb || verb === 'help') {
    io.out(usage);
    return 0;
  }
  const load = Object.hasOwn(commands, verb) ? commands[verb] : undefined;
  const command: Command | undefined = load ? await load() : undefined;
  if (!command) {
    io.err(`error: unknown command "${verb}" for "kubectl"\n`);
    return 1;
  }
  const rest = [...argv.slice(0, index), ...argv.slice(index + 1)];
  let f: Factory | undefined;
  try {
    const parsed = parseArgs(rest, command.flags);
    f = new Factory(io, parsed, command.name);
    const code = await command.run(f);
    printFailures(io, f.failures);
    return f.failures.length > 0 ? 1 : code;
  } catch (err: unknown) {
    if (err instanceof FlagError) {
      io.err(`Error: ${err.message}\nSee 'kubectl ${command.name} --help' for usage.\n`);
      return 1;
    }
    printFailures(io, [...(f?.failures ?? []), { err: connectionRefused(err, f) ?? err }]);
    if (err instanceof UsageError) io.err(`See 'kubectl ${command.name} -h' for help and examples\n`);
    return 1;
  } finally {
    f?.close();
  }
}
