/** One tar entry's metadata, as both the reader yields and the writer takes it. */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'chardev' | 'blockdev' | 'directory' | 'fifo';

export interface TarHeader {
  /** Relative path inside the archive, without a leading `./` or `/` normalisation applied. */
  path: string;
  type: TarEntryType;
  /** Permission bits incl. setuid/setgid/sticky (no file type bits). */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch (may carry a fraction from PAX headers). */
  mtime: number;
  /** Body size; 0 for everything but regular files. */
  size: number;
  /** Target of a symlink or hardlink. */
  linkName?: string;
  devMajor?: number;
  devMinor?: number;
  uname?: string;
  gname?: string;
  /** Extended attributes (PAX SCHILY.xattr.*), raw values. */
  xattrs?: Record<string, Buffer>;
}

export const BLOCK = 512;
