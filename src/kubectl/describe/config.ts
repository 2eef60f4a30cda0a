/** `describe secret` and `describe serviceaccount`, as kubectl prints them. */
import type { KubeObject } from '../../api/types.js';
import { arr, describeEvents, obj, printAnnotations, printLabels, str } from './common.js';
import type { Obj } from './common.js';
import { DescribeWriter } from './writer.js';

export function describeSecret(secret: KubeObject): string {
  const w = new DescribeWriter();
  const o = secret as Obj;
  const meta = obj(o['metadata']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  w.write(0, `\nType:\t${str(o['type'])}\n`);
  w.write(0, '\nData\n====\n');
  // Go ranges over the map in random order; sorted keys are the stable choice.
  const data = obj(o['data']);
  for (const k of Object.keys(data).sort()) {
    const bytes = Buffer.from(str(data[k]), 'base64');
    if (k === 'token' && o['type'] === 'kubernetes.io/service-account-token') w.write(0, `${k}:\t${bytes.toString('utf8')}\n`);
    else w.write(0, `${k}:\t${bytes.length} bytes\n`);
  }
  return w.toString();
}

export function describeServiceAccount(sa: KubeObject, tokens: string[], missing: Set<string>, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const o = sa as Obj;
  const meta = obj(o['metadata']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  const emptyHeader = '                   ';
  const groups: Array<[string, string[]]> = [
    ['Image pull secrets:', arr(o['imagePullSecrets']).map((s) => str(obj(s)['name']))],
    ['Mountable secrets: ', arr(o['secrets']).map((s) => str(obj(s)['name']))],
    ['Tokens:            ', tokens],
  ];
  for (const [header, names] of groups) {
    if (names.length === 0) { w.write(0, `${header}\t<none>\n`); continue; }
    let prefix = header;
    for (const name of names) {
      w.write(0, `${prefix}\t${name}${missing.has(name) ? ' (not found)' : ''}\n`);
      prefix = emptyHeader;
    }
  }
  describeEvents(w, events, now);
  return w.toString();
}
