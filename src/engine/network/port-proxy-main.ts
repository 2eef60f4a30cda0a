/**
 * The port publisher for `-p HOST:CONTAINER`, one process per container, no NAT anywhere:
 *   outer (host network namespace): listens on each host address, and per connection opens
 *     the unix socket and writes the 2-byte container port, then pipes bytes both ways;
 *   inner (started by the outer through `nsenter --net=NETNS`): listens on that unix socket
 *     (unix paths are not scoped by network namespace) and connects to 127.0.0.1:PORT inside.
 * Usage: node port-proxy-main.js outer NETNS SOCKET HOSTIP:HOSTPORT:CTRPORT...
 *        node port-proxy-main.js inner SOCKET
 * The outer process ends (taking the inner with it) on SIGTERM or when the inner dies.
 */
import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = (): void => { a.destroy(); b.destroy(); };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}

function inner(socketPath: string): void {
  rmSync(socketPath, { force: true });
  const server = createServer((client) => {
    client.once('readable', function readHeader() {
      const header = client.read(2) as Buffer | null;
      if (!header) { client.once('readable', readHeader); return; }
      const port = header.readUInt16BE(0);
      const target = createConnection({ host: '127.0.0.1', port });
      pipeBoth(client, target);
    });
  });
  server.listen(socketPath, () => { process.stdout.write('ready\n'); });
}

function outer(netns: string, socketPath: string, specs: string[]): void {
  const self = fileURLToPath(import.meta.url);
  const child = spawn('nsenter', [`--net=${netns}`, process.execPath, self, 'inner', socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = (): void => { child.kill('SIGTERM'); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  child.on('exit', () => process.exit(1));
  child.stdout.once('data', () => {
    let listening = 0;
    for (const spec of specs) {
      const parts = spec.split(':');
      const containerPort = Number(parts.pop());
      const hostPort = Number(parts.pop());
      const hostIp = parts.join(':');
      const server = createServer((client) => {
        const upstream = createConnection(socketPath);
        const header = Buffer.alloc(2);
        header.writeUInt16BE(containerPort, 0);
        upstream.write(header);
        pipeBoth(client, upstream);
      });
      server.on('error', (err) => {
        process.stderr.write(`cannot publish ${spec}: ${err.message}\n`);
        child.kill('SIGTERM');
        process.exit(1);
      });
      server.listen({ host: hostIp === '' ? '0.0.0.0' : hostIp, port: hostPort }, () => {
        // Tell the starter once every port listens (it waits for this line).
        if (++listening === specs.length) process.stdout.write('ready\n');
      });
    }
  });
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'inner' && rest[0]) inner(rest[0]);
else if (mode === 'outer' && rest[0] && rest[1]) outer(rest[0], rest[1], rest.slice(2));
else {
  process.stderr.write('usage: port-proxy-main.js outer NETNS SOCKET IP:HOSTPORT:CTRPORT... | inner SOCKET\n');
  process.exitCode = 2;
}
