/**
 * The HTTP upgrade in front of a port-forward session, in both forms kubectl 1.32 uses:
 * a WebSocket with subprotocol `SPDY/3.1+portforward.k8s.io` whose binary messages carry
 * the SPDY byte stream (tried first), and a plain `Upgrade: SPDY/3.1` answer with
 * `X-Stream-Protocol-Version: portforward.k8s.io` (kubectl's fallback when the WebSocket
 * upgrade is refused). Either way the result is a byte Duplex for servePortForward().
 */
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { UpgradeHandler } from '../../apiserver/index.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { servePortForward, type PortForwardOptions, type PortForwardSession } from './server.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
export const PORT_FORWARD_WEBSOCKET_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

/** Beyond this much unsent WebSocket data, writes wait for the socket. */
const WEBSOCKET_BUFFER_BYTES = 1024 * 1024;

/**
 * `ws` checks offered subprotocols against the HTTP token grammar, which has no '/', so it
 * refuses kubectl's `SPDY/3.1+portforward.k8s.io`. We check the offer ourselves, hide it
 * from ws, and name the chosen protocol in the 101 answer through ws's 'headers' hook.
 */
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const tunnelRequests = new WeakSet<IncomingMessage>();
wss.on('headers', (headers: string[], req: IncomingMessage) => {
  if (tunnelRequests.has(req)) headers.push(`Sec-WebSocket-Protocol: ${PORT_FORWARD_WEBSOCKET_PROTOCOL}`);
});

function refuse(socket: Duplex, err: ApiError, extraHeaders = ''): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}Connection: close\r\n\r\n${body}`);
}

/** SPDY bytes in WebSocket binary messages, as a Duplex; ending it closes with 1000. */
function websocketDuplex(ws: WebSocket): Duplex {
  const duplex = new Duplex({
    read() { if (ws.isPaused) ws.resume(); },
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) { cb(new Error('WebSocket is closed')); return; }
      const wait = ws.bufferedAmount > WEBSOCKET_BUFFER_BYTES;
      ws.send(chunk, { binary: true }, wait ? (err) => cb(err ?? null) : undefined);
      if (!wait) cb();
    },
    final(cb) { ws.close(1000); cb(); },
    destroy(err, cb) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      else if (ws.readyState === ws.CONNECTING) ws.terminate();
      cb(err);
    },
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary || !Buffer.isBuffer(data)) { duplex.destroy(new Error('invalid message type received')); return; }
    if (!duplex.push(data)) ws.pause();
  });
  ws.on('close', () => duplex.push(null));
  ws.on('error', (err: Error) => duplex.destroy(err));
  return duplex;
}

function streamProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['x-stream-protocol-version'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return all.flatMap((h) => h.split(',')).map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * Answers the upgrade request and resolves with the byte transport, or writes an error answer
 * (a Status, as the API server would) and resolves undefined.
 */
export function upgradePortForward(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Duplex | undefined> {
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(PORT_FORWARD_WEBSOCKET_PROTOCOL)) {
      refuse(socket, errors.badRequest(`unable to upgrade: port-forward over WebSocket needs subprotocol ${PORT_FORWARD_WEBSOCKET_PROTOCOL}`));
      return Promise.resolve(undefined);
    }
    delete req.headers['sec-websocket-protocol'];
    tunnelRequests.add(req);
    return new Promise((resolve) => {
      // ws answers a malformed handshake itself and never calls back; the socket then closes.
      socket.once('close', () => resolve(undefined));
      wss.handleUpgrade(req, socket, head, (ws) => resolve(websocketDuplex(ws)));
    });
  }
  if (upgrade.split(',').map((u) => u.trim()).includes('spdy/3.1')) {
    const offered = streamProtocols(req);
    if (offered.length > 0 && !offered.includes(PORT_FORWARD_PROTOCOL)) {
      const msg = `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${PORT_FORWARD_PROTOCOL}]`;
      refuse(socket, errors.forbidden(msg), `X-Accepted-Stream-Protocol-Versions: ${PORT_FORWARD_PROTOCOL}\r\n`);
      return Promise.resolve(undefined);
    }
    const negotiated = offered.length > 0 ? `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n` : '';
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${negotiated}\r\n`);
    if (head.length > 0) socket.unshift(head);
    return Promise.resolve(socket);
  }
  refuse(socket, errors.badRequest('unable to upgrade: missing upgrade headers in request'));
  return Promise.resolve(undefined);
}

type UpgradeTarget = Parameters<UpgradeHandler>[3];

/**
 * An API server upgrade handler for `/pods/portforward`. `options` picks how to reach the
 * target pod; throwing an ApiError from it (pod not running, no node) refuses the upgrade
 * with that Status. `onSession` sees each session, e.g. to dispose them on shutdown.
 */
export function portForwardUpgradeHandler(
  options: (target: UpgradeTarget) => PortForwardOptions | Promise<PortForwardOptions>,
  onSession?: (session: PortForwardSession) => void,
): UpgradeHandler {
  return (req, socket, head, target) => {
    void (async () => {
      let opts: PortForwardOptions;
      try {
        opts = await options(target);
      } catch (err: unknown) {
        refuse(socket, err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err)));
        return;
      }
      const transport = await upgradePortForward(req, socket, head);
      if (!transport) return;
      // Served whether or not anyone watches the sessions: `onSession?.(servePortForward(…))`
      // would skip the call, arguments and all, when onSession is absent (the kubelet's case).
      const session = servePortForward(transport, opts);
      onSession?.(session);
    })();
  };
}
