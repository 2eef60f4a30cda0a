/**
 * A real multi-node cluster on one machine: `skiff server` and two `skiff agent` processes,
 * each in its own network namespace joined by a test bridge (no route off the machine), the
 * agents joined with the server's token. The real kubectl sees two Ready nodes with distinct
 * pod CIDRs from the node IPAM controller; a pod on node A fetches a page from a pod on node
 * B by pod IP over the host-gw routes, and by its Service's name (cluster DNS at 10.43.0.10,
 * served by the nodes) and ClusterIP (service proxy); a token with a wrong CA hash is refused; when node B's
 * agent is lost, its Deployment's pods run on node A again within 60 s; when node B is
 * deleted, node A's route to its pod CIDR goes too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinCluster, nodeIp, type AgentProcess } from './cluster-join-fixture.js';

let cluster: JoinCluster;
let a: AgentProcess;
let b: AgentProcess;

before(async () => {
  cluster = await JoinCluster.create();
  a = await cluster.startAgent(0, 'node-a');
  b = await cluster.startAgent(1, 'node-b');
});
after(async () => { await cluster?.dispose(); });

const pod = (name: string, node: string, script: string, restartPolicy = 'Always', labels: Record<string, string> = {}): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
  spec: { nodeName: node, restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] }] },
});

test('two joined nodes are Ready with distinct pod CIDRs; each routes to the other\'s', async () => {
  const nodes = await cluster.waitFor('two Ready nodes', async () => {
    const r = await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.podCIDR} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
    return lines.length === 2 && lines.every((l) => l[2] === 'True' && l[1]) ? lines : undefined;
  });
  const cidrs = nodes.map((l) => l[1]);
  assert.notEqual(cidrs[0], cidrs[1]);
  for (const c of cidrs) assert.match(c ?? '', /^10\.42\.\d+\.0\/24$/);
  // The node IPAM controller handed them out (not the agents' fallback).
  const events = await cluster.kubectl(['get', 'events', '-A', '--field-selector', 'reason=CIDRAssignmentSucceeded', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
  for (const [name, cidr] of nodes.map((l) => [l[0], l[1]])) assert.match(events.stdout, new RegExp(`Node ${name} was assigned pod CIDR ${(cidr ?? '').replace(/\./g, '\\.')}`));
  const wide = await cluster.kubectl(['get', 'nodes']);
  assert.match(wide.stdout, /node-a\s+Ready/);
  assert.match(wide.stdout, /node-b\s+Ready/);
  const cidrOf = new Map(nodes.map((l) => [l[0], l[1]]));
  // host-gw: node A reaches B's pod CIDR via B's address, and the other way round.
  await cluster.waitFor('routes on both nodes', async () => {
    const ra = await cluster.inNs(a.netns, ['ip', '-4', 'route', 'show', 'proto', '77']);
    const rb = await cluster.inNs(b.netns, ['ip', '-4', 'route', 'show', 'proto', '77']);
    return ra.stdout.includes(`${cidrOf.get('node-b')} via ${nodeIp(1)}`) && rb.stdout.includes(`${cidrOf.get('node-a')} via ${nodeIp(0)}`) ? true : undefined;
  });
});

test('a pod on node A reaches a pod on node B by pod IP, and by Service through every node\'s cluster DNS', async () => {
  const web = pod('web-b', 'node-b', 'mkdir -p /www && echo hello-from-node-b > /www/index.html && exec httpd -f -p 8080 -h /www', 'Always', { app: 'web' });
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: web })).code, 0);
  const svc = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: svc })).code, 0);
  const webIp = await cluster.waitFor('web-b running with an IP', async () => {
    const r = await cluster.kubectl(['get', 'pod', 'web-b', '-o', 'jsonpath={.status.phase} {.status.podIP}']);
    const [phase, ip] = r.stdout.trim().split(' ');
    return phase === 'Running' && ip ? ip : undefined;
  }, 60_000);
  const clusterIp = (await cluster.kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout.trim();
  assert.match(clusterIp, /^10\.43\.\d+\.\d+$/);
  const cidrB = (await cluster.kubectl(['get', 'node', 'node-b', '-o', 'jsonpath={.spec.podCIDR}'])).stdout.trim();
  assert.ok(webIp.startsWith(cidrB.replace(/0\/24$/, '')), `${webIp} is in node-b's ${cidrB}`);
  // The client on node A exits 0 once it has read the page by pod IP (else 11), resolved the
  // Service through the cluster DNS address (else 12) and read the page by ClusterIP (else 13).
  // (`timeout 3 wget`: busybox wget -T crashes in this busybox build.)
  const retry = (cond: string, code: number): string => `ok=; for i in $(seq 1 40); do if ${cond}; then ok=1; break; fi; sleep 0.5; done; [ -n "$ok" ] || exit ${code}`;
  const script = [
    retry(`timeout 3 wget -q -O /tmp/p1 http://${webIp}:8080/ && grep -q hello-from-node-b /tmp/p1`, 11),
    retry(`nslookup web.default.svc.cluster.local 10.43.0.10 > /tmp/ns && grep -q ${clusterIp} /tmp/ns`, 12),
    retry(`timeout 3 wget -q -O /tmp/p2 http://${clusterIp}/ && grep -q hello-from-node-b /tmp/p2`, 13),
  ].join('; ');
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: pod('client-a', 'node-a', script, 'Never') })).code, 0);
  const exit = await cluster.waitFor('client-a finished', async () => {
    const r = await cluster.kubectl(['get', 'pod', 'client-a', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}']);
    const [p, code] = r.stdout.trim().split(' ');
    return p === 'Succeeded' || p === 'Failed' ? code ?? '?' : undefined;
  }, 120_000);
  assert.equal(exit, '0', 'client-a on node-a: 11 = pod IP on node-b unreachable, 12 = no DNS answer, 13 = ClusterIP unreachable');
  const clientIp = (await cluster.kubectl(['get', 'pod', 'client-a', '-o', 'jsonpath={.status.podIP}'])).stdout.trim();
  const cidrA = (await cluster.kubectl(['get', 'node', 'node-a', '-o', 'jsonpath={.spec.podCIDR}'])).stdout.trim();
  assert.ok(clientIp.startsWith(cidrA.replace(/0\/24$/, '')), `${clientIp} is in node-a's ${cidrA}`);
  await cluster.kubectl(['delete', 'service', 'web']);
  for (const name of ['client-a', 'web-b']) await cluster.kubectl(['delete', 'pod', name, '--wait=true', '--timeout=30s']);
});

test('an agent whose token names another CA is refused with a clear message', async () => {
  const good = await cluster.token();
  const bad = good.replace(/^K10[0-9a-f]{64}/, `K10${'ab'.repeat(32)}`);
  const r = await cluster.runAgentToExit(2, 'node-c', bad);
  assert.equal(r.code, 1);
  assert.match(r.output, /refusing to join https:\/\/[\d.]+:\d+: its CA certificate has sha256 [0-9a-f]{64}, but the token expects (ab){32}/);
  const nodes = await cluster.kubectl(['get', 'nodes', '-o', 'name']);
  assert.doesNotMatch(nodes.stdout, /node-c/);
});

test('a restarted agent reuses its credentials and programs its routes again', async () => {
  a = await cluster.restartAgent(a);
  assert.match(a.output(), /reusing the credentials of an earlier join to https:\/\/[\d.]+:\d+ as system:node:node-a/);
  const cidrB = (await cluster.kubectl(['get', 'node', 'node-b', '-o', 'jsonpath={.spec.podCIDR}'])).stdout.trim();
  await cluster.waitFor('node A routes to node B again', async () => {
    const r = await cluster.inNs(a.netns, ['ip', '-4', 'route', 'show', 'proto', '77']);
    return r.stdout.includes(`${cidrB} via ${nodeIp(1)}`) ? true : undefined;
  });
});

test('when node B\'s agent is lost, its Deployment pods run again on node A within 60 s', async () => {
  // Place both replicas on node B: node A is cordoned while they start.
  assert.equal((await cluster.kubectl(['cordon', 'node-a'])).code, 0);
  const deploy = JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'lossy' },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'lossy' } },
      template: { metadata: { labels: { app: 'lossy' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] } },
    },
  });
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: deploy })).code, 0);
  const runningOn = async (node: string): Promise<number> => {
    const r = await cluster.kubectl(['get', 'pods', '-l', 'app=lossy', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{"\\n"}{end}']);
    return r.stdout.split('\n').map((l) => l.trim().split(' ')).filter((f) => f[0] === node && f[1] === 'Running' && f.length === 2).length;
  };
  await cluster.waitFor('both replicas Running on node-b', async () => ((await runningOn('node-b')) === 2 ? true : undefined), 90_000);
  assert.equal((await cluster.kubectl(['uncordon', 'node-a'])).code, 0);
  const lost = Date.now();
  await b.stop();
  const routesB = await cluster.inNs(b.netns, ['ip', '-4', 'route', 'show', 'proto', '77']);
  assert.equal(routesB.stdout.trim(), '', 'a stopped agent removes its routes');
  await cluster.waitFor('both replicas Running on node-a', async () => ((await runningOn('node-a')) === 2 ? true : undefined), 120_000);
  const took = Date.now() - lost;
  assert.ok(took < 60_000, `pods back after ${took} ms`);
  const ready = await cluster.kubectl(['get', 'node', 'node-b', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
  assert.equal(ready.stdout.trim(), 'Unknown');
  await cluster.kubectl(['delete', 'deployment', 'lossy']);
});

test('when node B goes away, node A drops its route to B\'s pod CIDR', async () => {
  const cidrB = (await cluster.kubectl(['get', 'node', 'node-b', '-o', 'jsonpath={.spec.podCIDR}'])).stdout.trim();
  assert.equal((await cluster.kubectl(['delete', 'node', 'node-b'])).code, 0);
  await cluster.waitFor('node A without a route to node B', async () => {
    const r = await cluster.inNs(a.netns, ['ip', '-4', 'route', 'show', 'proto', '77']);
    return r.stdout.includes(cidrB) ? undefined : true;
  });
});
