/**
 * seccomp for containers: the default profile, and profile files in the OCI form or Docker's
 * (`docker run --security-opt seccomp=FILE`, a pod's Localhost profile).
 */
import { release } from 'node:os';

/**
 * The default seccomp profile: allow by default, and answer EPERM to the syscalls Docker's
 * default profile keeps from unprivileged containers (kernel modules, clocks, keyrings,
 * mounts and namespaces, tracing other processes, reboot, swap, BPF, perf, io_uring...).
 * A deny-list is shorter to audit than Docker's allow-list and cannot break a program that
 * uses a new but harmless syscall; the dangerous ones are also guarded by the dropped
 * capabilities. Names libseccomp does not know are skipped by runc.
 */
const blockedSyscalls = [
  'acct', 'add_key', 'request_key', 'keyctl', 'bpf', 'clock_adjtime', 'clock_settime', 'clock_settime64',
  'settimeofday', 'stime', 'create_module', 'init_module', 'finit_module', 'delete_module',
  'get_kernel_syms', 'query_module', 'kexec_load', 'kexec_file_load', 'lookup_dcookie',
  'mount', 'umount', 'umount2', 'mount_setattr', 'move_mount', 'open_tree', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
  'pivot_root', 'name_to_handle_at', 'open_by_handle_at', 'perf_event_open',
  'process_vm_readv', 'process_vm_writev', 'ptrace', 'quotactl', 'quotactl_fd', 'reboot', 'setns', 'unshare',
  'swapon', 'swapoff', 'sysfs', '_sysctl', 'syslog', 'uselib', 'userfaultfd', 'ustat', 'vm86', 'vm86old',
  'nfsservctl', 'iopl', 'ioperm', 'pciconfig_read', 'pciconfig_write', 'pciconfig_iobase',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'get_mempolicy', 'set_mempolicy', 'mbind',
  'move_pages', 'fanotify_init', 'kcmp',
];

/** EPERM, as the kernel would answer a caller without the capability. */
const EPERM = 1;

/** A syscall rule of an OCI seccomp profile (config.json linux.seccomp.syscalls[]). */
export interface SeccompSyscallRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
}

/** An OCI seccomp profile (config.json linux.seccomp). */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: SeccompSyscallRule[];
}

/** The runtime's default profile (Docker's and containerd's RuntimeDefault play this part). */
export function defaultSeccompProfile(): SeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [{ names: [...blockedSyscalls], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }],
  };
}

/** Docker's names for this machine's architectures in a rule's includes/excludes.arches. */
const hostArches = ['amd64', 'x86_64', 'SCMP_ARCH_X86_64'];

interface DockerRule {
  names?: unknown; name?: unknown; action?: unknown; errnoRet?: unknown; args?: unknown;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[]; minKernel?: string };
}

/** "5.10" < "6.1": true when this kernel is at least `wanted` (major.minor). */
function kernelAtLeast(wanted: string, running = release()): boolean {
  const [wMajor = 0, wMinor = 0] = wanted.split('.').map(Number);
  const [rMajor = 0, rMinor = 0] = running.split(/[.-]/).map(Number);
  return rMajor > wMajor || (rMajor === wMajor && rMinor >= wMinor);
}

/** Whether a Docker-format rule applies to this container on this machine. */
function ruleApplies(rule: DockerRule, capabilities: readonly string[]): boolean {
  const inc = rule.includes ?? {};
  const exc = rule.excludes ?? {};
  if (inc.arches && inc.arches.length > 0 && !inc.arches.some((a) => hostArches.includes(a))) return false;
  if (exc.arches?.some((a) => hostArches.includes(a))) return false;
  if (inc.caps && !inc.caps.every((cap) => capabilities.includes(cap))) return false;
  if (exc.caps?.some((cap) => capabilities.includes(cap))) return false;
  if (inc.minKernel && !kernelAtLeast(inc.minKernel)) return false;
  if (exc.minKernel && kernelAtLeast(exc.minKernel)) return false;
  return true;
}

/**
 * An OCI seccomp profile from a profile file: the OCI form (`architectures`, `syscalls[].names`)
 * or Docker's (`archMap`, `name`, rules with includes/excludes), as containerd loads them.
 */
export function profileFromJson(text: string, capabilities: readonly string[]): SeccompProfile {
  let raw: { defaultAction?: unknown; defaultErrnoRet?: unknown; architectures?: unknown; archMap?: unknown; flags?: unknown; syscalls?: unknown };
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch (err: unknown) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.defaultAction !== 'string') throw new Error('defaultAction is required');
  const profile: SeccompProfile = { defaultAction: raw.defaultAction };
  if (typeof raw.defaultErrnoRet === 'number') profile.defaultErrnoRet = raw.defaultErrnoRet;
  if (Array.isArray(raw.architectures)) profile.architectures = raw.architectures.map(String);
  else if (Array.isArray(raw.archMap)) {
    const native = (raw.archMap as Array<{ architecture?: string; subArchitectures?: string[] }>).find((m) => m.architecture === 'SCMP_ARCH_X86_64');
    if (native) profile.architectures = ['SCMP_ARCH_X86_64', ...(native.subArchitectures ?? [])];
  }
  if (Array.isArray(raw.flags)) profile.flags = raw.flags.map(String);
  if (raw.syscalls !== undefined && !Array.isArray(raw.syscalls)) throw new Error('syscalls must be a list');
  const rules: SeccompSyscallRule[] = [];
  for (const [i, r] of ((raw.syscalls ?? []) as DockerRule[]).entries()) {
    const names = Array.isArray(r.names) ? r.names.map(String) : typeof r.name === 'string' ? [r.name] : [];
    if (names.length === 0) throw new Error(`syscalls[${i}] names no syscall`);
    if (typeof r.action !== 'string') throw new Error(`syscalls[${i}].action is required`);
    if (!ruleApplies(r, capabilities)) continue;
    const rule: SeccompSyscallRule = { names, action: r.action };
    if (typeof r.errnoRet === 'number') rule.errnoRet = r.errnoRet;
    if (Array.isArray(r.args) && r.args.length > 0) rule.args = r.args as NonNullable<SeccompSyscallRule['args']>;
    rules.push(rule);
  }
  if (rules.length > 0) profile.syscalls = rules;
  return profile;
}
