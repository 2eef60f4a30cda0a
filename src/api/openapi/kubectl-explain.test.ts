/**
 * The real kubectl 1.32 against a minimal HTTP server that serves legacy discovery for the
 * fixture resources plus this folder's /openapi/v3 documents: `explain` at several depths and
 * kubectl's validation probe (which must find the fieldValidation PATCH and never ask for
 * /openapi/v2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildOpenApi } from './index.js';
import { kubectlAgainst } from '../testing/kubectl-against.js';
import { TEST_RESOURCES } from './test-fixtures.js';
import type { ResourceType } from '../types.js';


function discoveryServer(resources: readonly ResourceType[], requests: string[]): ReturnType<typeof createServer> {
  const api = buildOpenApi(resources);
  const byGv = new Map<string, ResourceType[]>();
  for (const r of resources) {
    const gv = r.group ? `${r.group}/${r.version}` : r.version;
    byGv.set(gv, [...(byGv.get(gv) ?? []), r]);
  }
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (path === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') {
      const groups = [...byGv.keys()].filter((gv) => gv.includes('/')).map((gv) => {
        const [name = '', version = ''] = gv.split('/');
        return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
      });
      return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    const gv = /^\/apis?\/(.+)$/.exec(path)?.[1];
    const members = gv ? byGv.get(gv) : undefined;
    if (gv && members) {
      return send(200, {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
        resources: members.map((r) => ({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames })),
      });
    }
    if (path === '/openapi/v3') return send(200, api.rootIndex());
    const doc = path.startsWith('/openapi/v3/') ? api.document(path.slice('/openapi/v3/'.length)) : undefined;
    if (doc) return send(200, doc.body);
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
  });
}

test('kubectl explain and validation work against the served documents', async (t) => {
  const requests: string[] = [];
  const server = discoveryServer(TEST_RESOURCES, requests);
  const { kubectl, dir } = await kubectlAgainst(t, server, 'skiff-explain-');

  const ports = await kubectl('explain', 'pod.spec.containers.ports');
  assert.match(ports, /^KIND:\s+Pod\nVERSION:\s+v1\n/);
  assert.match(ports, /FIELD: ports <\[\]ContainerPort>/);
  assert.match(ports, /List of ports to expose from the container/);
  assert.match(ports, /\n {2}containerPort\t<integer> -required-\n/);
  assert.match(ports, /\n {2}protocol\t<string>\n {2}enum: SCTP, TCP, UDP\n/);

  const pod = await kubectl('explain', 'pod');
  assert.match(pod, /\n {2}metadata\t<ObjectMeta>\n/);
  assert.match(pod, /\n {2}spec\t<PodSpec>\n {4}The desired state of this Pod/);

  const deploy = await kubectl('explain', 'deploy.spec', '--recursive');
  assert.match(deploy, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
  assert.match(deploy, /\n {2}template\t<PodTemplateSpec> -required-\n/);
  assert.match(deploy, /\n {6}maxSurge\t<IntOrString>\n/);
  assert.match(deploy, /\n {6}containers\t<\[\]Container> -required-\n/);

  const limits = await kubectl('explain', 'pod.spec.containers.resources.limits');
  assert.match(limits, /FIELD: limits <map\[string\]Quantity>/);

  const manifest = join(dir, 'pod.yaml');
  await writeFile(manifest, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox}]\n');
  assert.equal((await kubectl('create', '--dry-run=client', '-f', manifest, '-o', 'name')).trim(), 'pod/p');
  assert.ok(requests.some((p) => p.startsWith('/openapi/v3/api/v1')), 'validation read the v1 document');
  assert.ok(!requests.some((p) => p.startsWith('/openapi/v2')), 'kubectl never fell back to /openapi/v2');
});
