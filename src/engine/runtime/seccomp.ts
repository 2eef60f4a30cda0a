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
