/**
 * One fixture for the controller e2e tests: a `skiff server` (controllers on, no agent) with
 * N simulated nodes and the real kubectl against it, started in the enclosing describe's
 * before() and removed in its after(); plus what simulated nodes do not offer: pods that fail.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import type { RestClient } from '../../src/client/index.js';
import { connect, coreResources, ResourceClient } from '../../src/client/typed/index.js';
import { kubectlFor, startServer, type Kubectl, type KubectlResult, type TestServer } from './helpers/server.js';

/** A pod as the tests read it from `kubectl get -o json`. */
export interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> };
  spec: { nodeName?: string; hostname?: string; subdomain?: string; containers: Array<{ image: string }> };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

export interface ClusterOptions {
  /** Simulated nodes (`--simulate-nodes`); 0 registers none. */
  readonly nodes: number;
  /** Test-only tuning (SKIFF_* variables) for the server. */
  readonly env?: NodeJS.ProcessEnv;
  /** Also run the failing-pods loop (startFailingPods) against the server. */
  readonly failingPods?: boolean;
}

export interface ControllersCluster {
  readonly server: TestServer;
  readonly kubectl: Kubectl;
  /** Runs kubectl; any exit code. */
  run(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  /** Runs kubectl, asserts it succeeded and returns its stdout. */
  ok(args: readonly string[], stdin?: string): Promise<string>;
  /** Pods matching a label selector. */
  pods(selector: string): Promise<PodJson[]>;
}

/** True when the pod's Ready condition is True. */
export const isReady = (p: PodJson): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Registers before/after hooks in the current describe and returns the cluster they manage
 * (its members are usable inside tests, once before() has run).
 */
export function controllersCluster(o: ClusterOptions): ControllersCluster {
  let server: TestServer | undefined;
  let kubectl: Kubectl | undefined;
  let failing: FailingPods | undefined;
  before(async () => {
    server = await startServer({ extraArgs: o.nodes > 0 ? ['--simulate-nodes', String(o.nodes)] : [], ...(o.env ? { env: o.env } : {}) });
    kubectl = kubectlFor(server.kubeconfigPath);
    if (o.failingPods) failing = startFailingPods(server.kubeconfigPath);
  });
  after(async () => {
    await failing?.stop();
    await server?.stop();
    kubectl?.cleanup();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the controllers cluster is not started (use it inside a test)');
    return v;
  };
  const run = (args: readonly string[], stdin?: string): Promise<KubectlResult> => started(kubectl).run(args, stdin !== undefined ? { stdin } : {});
  const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  return {
    get server() { return started(server); },
    get kubectl() { return started(kubectl); },
    run, ok,
    pods: async (selector) => (JSON.parse(await ok(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJson[] }).items,
  };
}

interface Pod extends KubeObject { spec?: { containers?: Array<{ image?: string }> }; status?: { phase?: string } }

export interface FailingPods { readonly rest: RestClient; stop(): Promise<void> }

/**
 * Every interval, Pending pods whose image contains `fails` are marked Failed through the
 * status subresource. (Give such pods a nodeSelector no node matches, so no node runs them
 * first.) stop() ends the loop; it is idempotent.
 */
export function startFailingPods(kubeconfigPath: string, intervalMs = 150): FailingPods {
  const rest = connect(kubeconfigPath, 'controllers-e2e');
  const pods = new ResourceClient<Pod>(rest, coreResources.pods);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const list = await pods.list(undefined, { fieldSelector: 'status.phase=Pending' });
        await Promise.all(list.items.filter((p) => (p.spec?.containers ?? []).some((c) => c.image?.includes('fails'))).map(async (p) => {
          const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          await pods.patch(p.metadata?.namespace, p.metadata?.name ?? '', 'merge', {
            status: { phase: 'Failed', startTime: now, conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }] },
          }, { subresource: 'status' });
        }));
      } catch {
        // The server may be stopping or a pod went meanwhile; the next round tries again.
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    rest,
    async stop() {
      stopped = true;
      await loop;
      rest.close();
    },
  };
}

/** A nodeSelector no simulated node matches: pods with it stay Pending (unschedulable). */
export const nowhere = '{skiff.dev/e2e-nowhere: "true"}';
