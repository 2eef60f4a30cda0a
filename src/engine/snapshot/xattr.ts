/**
 * Extended attributes through the attr package's setfattr/getfattr (Node has no xattr API and
 * we avoid native addons). Used for overlayfs' `trusted.overlay.opaque` and for file
 * capabilities (`security.capability`) carried in layers.
 */
import { runTool } from '../util/index.js';

export const OPAQUE_XATTR = 'trusted.overlay.opaque';

export async function setXattr(path: string, name: string, value: Buffer): Promise<void> {
  await runTool('setfattr', ['-h', '-n', name, '-v', `0s${value.toString('base64')}`, path]);
}

/**
 * Every xattr under `dir` (recursively, not following symlinks) in one getfattr call:
 * absolute path -> name -> value.
 */
export async function readXattrsRecursive(dir: string): Promise<Map<string, Map<string, Buffer>>> {
  let out: string;
  try {
    out = await runTool('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'base64', '--absolute-names', dir]);
  } catch (err: unknown) {
    throw new Error(`reading extended attributes under ${dir} (is the attr package installed?)`, { cause: err });
  }
  const result = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      result.set(unescapeGetfattr(line.slice('# file: '.length)), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) continue;
    const name = line.slice(0, eq);
    const raw = line.slice(eq + 1);
    current.set(name, decodeValue(raw));
  }
  return result;
}

function decodeValue(raw: string): Buffer {
  if (raw.startsWith('0s')) return Buffer.from(raw.slice(2), 'base64');
  if (raw.startsWith('0x')) return Buffer.from(raw.slice(2), 'hex');
  return Buffer.from(raw.replace(/^"|"$/g, ''));
}

/** getfattr escapes unusual bytes in names as \ooo octal. */
function unescapeGetfattr(name: string): string {
  return Buffer.from(name.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))), 'latin1').toString('utf8');
}
