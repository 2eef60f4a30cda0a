/**
 * The node join token, in the kubeadm/k3s style:
 *
 *   K10<sha256 of the cluster CA certificate's DER encoding, 64 hex digits>::<id>.<secret>
 *
 * `<id>.<secret>` is a bootstrap token (id: 6 of [a-z0-9], secret: 16 of [a-z0-9]), stored
 * as the Secret kube-system/bootstrap-token-<id>; its only use is the join endpoint (it is
 * not an API credential). The CA hash lets a joining agent trust the server before it has
 * any certificate: it fetches the CA anonymously and refuses it unless the hash matches.
 */
import { X509Certificate, createHash, randomBytes } from 'node:crypto';

export interface JoinToken {
  /** sha256 of the CA certificate's DER, lower-case hex. */
  readonly caHash: string;
  readonly id: string;
  readonly secret: string;
}

const tokenPattern = /^K10([0-9a-f]{64})::([a-z0-9]{6})\.([a-z0-9]{16})$/;
const bootstrapPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function formatJoinToken(t: JoinToken): string {
  return `K10${t.caHash}::${t.id}.${t.secret}`;
}

/** True for strings shaped like a join token (as opposed to a plain bearer token). */
export function looksLikeJoinToken(s: string): boolean {
  return s.startsWith('K10');
}

export function parseJoinToken(s: string): JoinToken {
  const m = tokenPattern.exec(s.trim().toLowerCase().replace(/^k10/, 'K10'));
  if (!m) throw new Error('malformed join token: expected K10<64 hex digits of the CA hash>::<6-char id>.<16-char secret> (see DATA_DIR/token on the server)');
  return { caHash: m[1] ?? '', id: m[2] ?? '', secret: m[3] ?? '' };
}

/** `<id>.<secret>` from a bearer header value, or undefined. */
export function parseBootstrapToken(s: string): { id: string; secret: string } | undefined {
  const m = bootstrapPattern.exec(s);
  return m ? { id: m[1] ?? '', secret: m[2] ?? '' } : undefined;
}

/** sha256 of the (first) certificate's DER encoding in a PEM, hex. */
export function caCertHash(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

function randomChars(n: number): string {
  // 256 is a multiple of neither 36 nor anything useful; rejection sampling keeps it uniform.
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 252 && out.length < n) out += alphabet[b % 36];
    }
  }
  return out;
}

export function newBootstrapToken(): { id: string; secret: string } {
  return { id: randomChars(6), secret: randomChars(16) };
}
