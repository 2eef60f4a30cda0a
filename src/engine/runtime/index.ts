/**
 * The engine's container runtime: OCI bundles run by runc/crun under conmon, overlayfs
 * rootfs, cgroup v1 limits, Docker's default confinement. Used by the `skiff` container
 * commands and by the node agent.
 */
export { ContainerRuntime } from './runtime.js';
export type { RuntimeOptions } from './runtime.js';
export type { CreateOptions } from './create.js';
export type { StartOptions, DirectRunOptions } from './start.js';
export { execInContainer } from './exec.js';
export { runTool, runToolOutcome, useToolHelper } from './exec-tool.js';
export type { ToolRequest, ToolOutcome, ToolResult } from './exec-tool.js';
export type { ExecOptions } from './exec.js';
export { readLog, parseLogLine } from './logs.js';
export type { LogEntry, ReadLogOptions } from './logs.js';
export type { ContainerRecord, ContainerState, ContainerStatus, ContainerConfig, ContainerSecurity, HostConfig, VolumeMount, PortMapping } from './record.js';
export { RuntimeError, containerNotFound } from './errors.js';
export type { RuntimeErrorCode } from './errors.js';
export { inspectView, psRow, psHeader, statusText, humanDuration } from './view.js';
export { shortContainerId } from './names.js';
export { parseMemory } from './cgroup.js';
export { runtimeName } from './oci.js';
export type { RuntimeName } from './oci.js';
export { buildSpec, defaultCapabilities } from './spec.js';
export type { OciSpec, SpecInput } from './spec.js';
export type { SeccompProfile, SeccompSyscallRule } from './seccomp.js';
export { profileFromJson } from './seccomp.js';
export { capabilitiesInMask, capabilityName, capabilityNames, processBoundingSet, tweakCapabilities } from './capabilities.js';
export { containerPaths, defaultRunRoot, recordPaths, runRootOf, socketDir } from './paths.js';
export { parseRunFlags, parseVolume, parsePort } from './cli-options.js';
export type { RunFlags } from './cli-options.js';
export { parseSimpleArgs, hasFlag, flag, containerCommand, forEachContainer } from './cli.js';
export type { SimpleArgs, SimpleFlag } from './cli.js';
export type { DnsOptions } from './etc-files.js';

/** Container ids using an image (any state); the image store calls this before deleting one. */
export async function containersUsingImage(root: string, imageId: string): Promise<string[]> {
  const { ContainerRuntime } = await import('./runtime.js');
  return new ContainerRuntime(root).containersUsingImage(imageId);
}
