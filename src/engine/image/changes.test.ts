import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './index.js';

test('--change instructions set the runtime config as a Dockerfile would', () => {
  const config = applyChanges({ Env: ['PATH=/bin', 'A=0'] }, [
    'CMD ["sh", "-c", "echo hi"]',
    'ENTRYPOINT /entry.sh',
    'ENV A=1 B="two words"',
    'WORKDIR /app',
    'USER nobody',
    'EXPOSE 80 53/udp',
    'LABEL org.example=yes',
    'VOLUME /data',
    'STOPSIGNAL SIGINT',
  ]);
  assert.deepEqual(config, {
    Env: ['PATH=/bin', 'A=1', 'B=two words'],
    Cmd: ['sh', '-c', 'echo hi'],
    Entrypoint: ['/bin/sh', '-c', '/entry.sh'],
    WorkingDir: '/app',
    User: 'nobody',
    ExposedPorts: { '80/tcp': {}, '53/udp': {} },
    Labels: { 'org.example': 'yes' },
    Volumes: { '/data': {} },
    StopSignal: 'SIGINT',
  });
  assert.throws(() => applyChanges({}, ['RUN rm -rf /']), /RUN is not supported/);
  assert.throws(() => applyChanges({}, ['CMD']), /invalid change/);
});
