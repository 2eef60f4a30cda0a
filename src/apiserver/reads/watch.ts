/**
 * Watch streams: chunked JSON lines, one event per line, flushed as they happen.
 * - resourceVersion N>0: only changes after N (410 Expired as an ERROR event if compacted);
 * - resourceVersion 0 or absent: synthetic ADDED events of the current state first;
 * - selectors turn modifications that enter/leave the selection into ADDED/DELETED;
 * - BOOKMARKs on an interval when allowed; timeoutSeconds ends the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { groupVersionString } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { Watch, WatchEvent } from '../../store/types.js';
import type { ApiContext } from '../context.js';
import type { TableRequest } from '../http/respond.js';
import type { ListOptions } from '../list-options.js';
import { knownJson, sharedObject } from '../storage/objects.js';
import { toTable } from './table.js';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export async function serveWatch(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, rt: ResourceType, namespace: string | undefined, o: ListOptions, table: TableRequest | undefined): Promise<void> {
  const apiVersion = groupVersionString(rt.group, rt.version);
  let startRevision: number;
  let initial: KubeObject[] = [];
  const rv = o.resourceVersion;
  if (!rv || rv === '0' || o.sendInitialEvents === true) {
    const page = await ctx.storage.list(rt, namespace, { filter: o.matches, ...(rv && rv !== '0' ? { revision: Number(rv) } : {}), ...(o.exactName !== undefined ? { exactName: o.exactName } : {}) });
    initial = page.items;
    startRevision = page.revision;
  } else {
    startRevision = Number(rv);
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let lastRevision = startRevision;
  let ended = false;
  const send = (type: EventType, object: unknown): void => {
    if (ended) return;
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  /** A change event's line; without a Table it is encoded once for every watch that sends it. */
  const sendChange = (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void => {
    if (ended) return;
    if (table) {
      send(type, present(obj));
      return;
    }
    res.write(sharedEventLine(type, obj, apiVersion, rt.kind));
  };
  const present = (obj: KubeObject): unknown => {
    const full = { ...obj, apiVersion, kind: rt.kind };
    return table ? toTable(rt, [full], table, ctx.now(), { resourceVersion: obj.metadata?.resourceVersion ?? '' }, false) : full;
  };
  for (const obj of initial) send('ADDED', present(obj));
  if (o.sendInitialEvents === true && o.allowWatchBookmarks) {
    send('BOOKMARK', { kind: rt.kind, apiVersion, metadata: { resourceVersion: String(startRevision), annotations: { 'k8s.io/initial-events-end': 'true' } } });
  }

  await new Promise<void>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let watch: Watch | undefined;
    const finish = (): void => {
      if (ended) return;
      ended = true;
      watch?.close();
      for (const t of timers) clearTimeout(t);
      ctx.closing.removeEventListener('abort', finish);
      res.end();
      resolve();
    };
    const onEvent = (e: WatchEvent): void => {
      lastRevision = e.revision;
      if (!o.selective) {
        // Without selectors every event is sent as it is; the previous value need not be read.
        sendChange(e.type === 'delete' ? 'DELETED' : e.prev ? 'MODIFIED' : 'ADDED', sharedDecode(e.kv));
        return;
      }
      const next = e.type === 'put' ? sharedDecode(e.kv) : undefined;
      const prev = e.prev ? sharedDecode(e.prev) : undefined;
      const nowIn = next !== undefined && o.matches(next);
      const wasIn = prev !== undefined && o.matches(prev);
      if (e.type === 'delete') {
        if (wasIn || prev === undefined) sendChange('DELETED', sharedDecode(e.kv));
      } else if (next && nowIn) {
        sendChange(wasIn ? 'MODIFIED' : 'ADDED', next);
      } else if (next && wasIn) {
        sendChange('DELETED', next);
      }
    };
    const onError = (reason: 'compacted' | 'closed'): void => {
      if (reason === 'compacted') send('ERROR', errors.gone(`too old resource version: ${startRevision}`).toStatus());
      finish();
    };
    watch = ctx.storage.watch(rt, namespace, startRevision, onEvent, onError);
    if (ended) watch.close();
    req.on('close', finish);
    res.on('close', finish);
    ctx.closing.addEventListener('abort', finish);
    if (o.timeoutSeconds) timers.push(setTimeout(finish, o.timeoutSeconds * 1000));
    if (o.allowWatchBookmarks) {
      const bookmarks = setInterval(() => send('BOOKMARK', { kind: rt.kind, apiVersion, metadata: { resourceVersion: String(lastRevision) } }), ctx.bookmarkIntervalMs);
      timers.push(bookmarks);
    }
  });
}

/*
 * Watch fan-out: the store hands the same event objects to every watch on a prefix, so the
 * value is parsed once and each event line encoded once however many clients watch (the
 * controllers, the scheduler, kubectl get -w...). Both caches are weak: they live as long
 * as the event does. Objects from sharedDecode are shared: watch code only reads them.
 */
const encodedLines = new WeakMap<KubeObject, Map<string, string>>();
const sharedDecode = sharedObject;

function sharedEventLine(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject, apiVersion: string, kind: string): string {
  let lines = encodedLines.get(obj);
  if (!lines) {
    lines = new Map();
    encodedLines.set(obj, lines);
  }
  const key = `${type} ${apiVersion} ${kind}`;
  let line = lines.get(key);
  if (line === undefined) {
    // An object this server wrote with the same apiVersion and kind encodes as its known JSON.
    const known = obj.apiVersion === apiVersion && obj.kind === kind ? knownJson(obj) : undefined;
    line = known !== undefined ? `{"type":${JSON.stringify(type)},"object":${known}}\n` : `${JSON.stringify({ type, object: { ...obj, apiVersion, kind } })}\n`;
    lines.set(key, line);
  }
  return line;
}
