/**
 * The VXLAN pod network: `skiff server --flannel-backend vxlan` and two joined agents, each in
 * its own namespace on a test bridge. Each node gets a skiff.vxlan device and publishes its
 * VTEP MAC; the other node's pod CIDR is routed through the device; the device and the pods
 * get the underlay's MTU less VXLAN's 50 bytes; a pod on node A fetches a page from a pod on
 * node B by pod IP; a stopped agent removes its device.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinCluster, type AgentProcess } from './cluster-join-fixture.js';

let cluster: JoinCluster;
let a: AgentProcess;
let b: AgentProcess;

before(async () => {
  cluster = await JoinCluster.create({ serverArgs: ['--flannel-backend', 'vxlan'] });
  a = await cluster.startAgent(0, 'node-a');
  b = await cluster.startAgent(1, 'node-b');
});
after(async () => { await cluster?.dispose(); });

const pod = (name: string, node: string, script: string, restartPolicy: string): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { nodeName: node, restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] }] },
});

test('pods on two nodes talk over the VXLAN overlay', async () => {
  const macs = await cluster.waitFor('both VTEP MACs published', async () => {
    const r = await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.metadata.annotations.skiff\\.io/vtep-mac} {.spec.podCIDR}{"\\n"}{end}']);
    const lines = r.stdout.trim().split('\n').filter((l) => /=[0-9a-f:]{17} /.test(l));
    return lines.length === 2 ? lines : undefined;
  });
  const cidrB = macs.find((l) => l.startsWith('node-b='))?.split(' ')[1] ?? '';
  await cluster.waitFor('node A routes node B\'s pod CIDR through skiff.vxlan', async () => {
    const r = await cluster.inNs(a.netns, ['ip', '-4', 'route', 'show', 'proto', '77']);
    return r.stdout.includes(`${cidrB} via ${cidrB.replace(/\/24$/, '')} dev skiff.vxlan`) ? true : undefined;
  });
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: pod('web-b', 'node-b', 'mkdir -p /www && echo hello-over-vxlan > /www/index.html && exec httpd -f -p 8080 -h /www', 'Always') })).code, 0);
  const webIp = await cluster.waitFor('web-b running with an IP', async () => {
    const r = await cluster.kubectl(['get', 'pod', 'web-b', '-o', 'jsonpath={.status.phase} {.status.podIP}']);
    const [phase, ip] = r.stdout.trim().split(' ');
    return phase === 'Running' && ip ? ip : undefined;
  }, 60_000);
  // The MTU as flannel's vxlan sets it: the device's is the underlay's less 50 bytes, and the
  // pods' interfaces have the device's, so no wrapped packet needs fragmenting.
  const links = JSON.parse((await cluster.inNs(b.netns, ['ip', '-j', '-4', 'addr', 'show'])).stdout) as Array<{ ifname: string; mtu: number; addr_info: Array<{ local: string }> }>;
  const nodeIP = (await cluster.kubectl(['get', 'node', 'node-b', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}'])).stdout.trim();
  const underlay = links.find((l) => l.addr_info.some((a) => a.local === nodeIP));
  assert.ok(underlay, `node-b's interface with ${nodeIP}`);
  const device = links.find((l) => l.ifname === 'skiff.vxlan');
  assert.equal(device?.mtu, underlay.mtu - 50);
  const podMtu = await cluster.kubectl(['exec', 'web-b', '--', 'cat', '/sys/class/net/eth0/mtu']);
  assert.equal(podMtu.stdout.trim(), String(underlay.mtu - 50), podMtu.stderr);
  // `timeout 3 wget`: busybox wget -T crashes in this busybox build.
  const script = `for i in $(seq 1 40); do if timeout 3 wget -q -O /tmp/p http://${webIp}:8080/ && grep -q hello-over-vxlan /tmp/p; then exit 0; fi; sleep 0.5; done; exit 1`;
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: pod('client-a', 'node-a', script, 'Never') })).code, 0);
  const phase = await cluster.waitFor('client-a finished', async () => {
    const p = (await cluster.kubectl(['get', 'pod', 'client-a', '-o', 'jsonpath={.status.phase}'])).stdout.trim();
    return p === 'Succeeded' || p === 'Failed' ? p : undefined;
  }, 90_000);
  assert.equal(phase, 'Succeeded', 'the pod on node-a fetched the page from node-b over VXLAN');
  for (const name of ['client-a', 'web-b']) await cluster.kubectl(['delete', 'pod', name, '--wait=true', '--timeout=30s']);
  await b.stop();
  const link = await cluster.inNs(b.netns, ['ip', 'link', 'show', 'skiff.vxlan']);
  assert.notEqual(link.code, 0, 'a stopped agent removes its VXLAN device');
});
