/** Shared helpers of the engine's image side: tar read/write, atomic files, locks. */
export { readTar, maybeGunzip, TarFormatError } from './tar-reader.js';
export type { TarReadEntry } from './tar-reader.js';
export { TarWriter, tarStream, encodeHeader } from './tar-writer.js';
export type { TarHeader, TarEntryType } from './tar-types.js';
export { atomicWriteFile, readJsonFile, isErrno, pathExists, tempSibling, withFileLock } from './fsutil.js';
export { runTool } from './run.js';
export { parseArgs, flagBool, flagValue, humanSize, humanAge, formatTable, ellipsis, runCommand, UsageError } from './cli.js';
export type { ParsedArgs, FlagSpec } from './cli.js';
