/**
 * The two etcd3 clients a store uses, and when each may repeat a call.
 *
 * Reads may be repeated on any transient error. Writes go through a client that repeats
 * only calls that never reached a member (no connection, every circuit open): a write whose
 * answer was lost may have been applied, and a retry would then report 'exists' or
 * 'conflict' against itself. The caller gets that error instead (the API server answers
 * 5xx and clients retry), as etcd's Go client does for mutations.
 */
import etcd3 from 'etcd3';
import type { IOptions } from 'etcd3';
import {
  ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, isBrokenCircuitError, retry, type IDefaultPolicyContext, type IPolicy,
} from 'cockatiel';

export interface EtcdConnectionOptions {
  /** Client URLs of the etcd members, e.g. ['http://127.0.0.1:2379']. */
  readonly endpoints: readonly string[];
  /** TLS to etcd: the CA that signed its certificate, and a client certificate if it asks for one. */
  readonly tls?: { readonly ca: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** How long a call may wait for a connection (ms, default 5000). */
  readonly dialTimeoutMs?: number;
}

export type EtcdClient = InstanceType<typeof etcd3.Etcd3>;

/** As the Kubernetes apiserver's etcd client: no practical limit on a response. */
const maxResponseBytes = 2 ** 31 - 1;

export function connectEtcd(options: EtcdConnectionOptions): { reader: EtcdClient; writer: EtcdClient } {
  if (options.endpoints.length === 0) throw new RangeError('at least one etcd endpoint is needed');
  const members = options.endpoints.length;
  const base: IOptions = {
    hosts: [...options.endpoints],
    dialTimeout: options.dialTimeoutMs ?? 5000,
    // gRPC refuses answers over 4 MiB by default; a list of many objects is larger.
    grpcOptions: { 'grpc.max_receive_message_length': maxResponseBytes },
  };
  if (options.tls) base.credentials = { rootCertificate: options.tls.ca, privateKey: options.tls.key, certChain: options.tls.cert };
  return {
    reader: new etcd3.Etcd3({ ...base, faultHandling: { host: () => memberBreaker(), global: retrying(etcd3.isRecoverableError, members) } }),
    writer: new etcd3.Etcd3({ ...base, faultHandling: { host: () => memberBreaker(), global: retrying(neverSent, members) } }),
  };
}

/**
 * After three failures in a row a member is skipped (its circuit opens) and tried again a
 * second later. The client's default waits five seconds, which with a single member leaves
 * the store refusing every call for five seconds after etcd restarts.
 */
function memberBreaker() {
  return circuitBreaker(handleWhen(etcd3.isRecoverableError), { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(3) });
}

/**
 * Retries what `when` accepts, moving to the next member each time and pausing a little
 * longer each round (a restarted member or one whose circuit just opened is back within
 * about a second), for at most ~2 s.
 */
function retrying(when: (err: Error) => boolean, members: number): IPolicy<IDefaultPolicyContext> {
  // Every member's circuit open: nothing was sent; one reopens for a trial within a second.
  const worthRetrying = (err: Error) => isBrokenCircuitError(err) || when(err);
  return retry(handleWhen(worthRetrying), { maxAttempts: members + 5, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 500 }) });
}

/** gRPC's words for a call that found no connection to its member, so etcd never saw it. */
function neverSent(err: Error): boolean {
  return /No connection established|ECONNREFUSED/.test(err.message);
}

