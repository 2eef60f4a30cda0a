/**
 * The two-stage Dockerfile build, cold and cached, side by side: skiff build, buildah bud
 * --layers, podman build and BuildKit (dockerd) when it could be started.
 *
 * Cold means a fresh store with only the busybox base image in it (loaded, untimed); for
 * BuildKit, whose daemon is started once, the built image and the whole build cache are
 * removed instead. Cached means the same build again right after, which must hit the cache
 * for every step.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { mountsUnder, repoRoot, timedSpawn, type TimedRun } from './_lib.js';
import type { Dockerd } from './engine-dockerd.js';
import { loadIntoPodmanStore, storageFlags } from './engine-podman.js';
import { countLines, roundOrder, Samples } from './engine-rounds.js';
import type { BenchWorkspace } from './engine-workspace.js';

export const dockerfile = `FROM busybox AS build
RUN mkdir -p /out && echo "built by run" > /out/run.txt
COPY app.txt /out/
COPY lib/ /out/lib/
RUN cat /out/run.txt /out/app.txt /out/lib/util.txt > /out/all.txt

FROM busybox
COPY --from=build /out /app/
ENV GREETING=hello
WORKDIR /app
USER nobody
CMD ["sh", "-c", "cat all.txt; echo $GREETING; id -u; pwd"]
`;

/** What the built image prints: files from RUN and COPY, ENV, USER and WORKDIR all took. */
export const expectedOutput = 'built by run\napp v1\nutil\nhello\n65534\n/app\n';

export function writeContext(dir: string): void {
  const files: Record<string, string> = { 'Dockerfile': dockerfile, 'app.txt': 'app v1\n', 'lib/util.txt': 'util\n' };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

interface Command { readonly command: string; readonly args: string[]; readonly env?: NodeJS.ProcessEnv }

export interface BuildContender {
  readonly name: string;
  /** A store with the base image only; `round` keeps stores apart. Untimed. */
  prepare(round: number): Promise<void>;
  build(round: number): Command;
  /** Runs the image just built (to check it prints `expectedOutput`). */
  runBuilt(round: number): Command;
  /** Lines of the build log that say a step came from the cache. */
  readonly cacheMarker: RegExp;
  teardown(round: number): Promise<void>;
}

export interface BuildSetup {
  readonly ws: BenchWorkspace;
  readonly context: string;
  readonly archive: string;
  readonly podmanEnv: NodeJS.ProcessEnv;
  readonly dockerd: Dockerd | undefined;
}

const tag = 'skiff-bench-two-stage:latest';
const skiffBin = join(repoRoot, 'bin/skiff');

async function must(c: Command, what: string): Promise<void> {
  const r = await timedSpawn(c.command, c.args, { ...(c.env ? { env: c.env } : {}), timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${what} failed: ${r.stderr.trim().slice(-400)}`);
}

function removeStore(dir: string): void {
  for (const m of mountsUnder(dir).reverse()) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
}

function skiffContender(s: BuildSetup): BuildContender {
  const root = (round: number): string => s.ws.path(`skiff-build-${round}`);
  return {
    name: 'skiff',
    prepare: (round) => must({ command: process.execPath, args: [skiffBin, 'load', '--root', root(round), '-q', '-i', s.archive] }, 'skiff load'),
    build: (round) => ({ command: process.execPath, args: [skiffBin, 'build', '--root', root(round), '--progress', 'plain', '-t', tag, s.context] }),
    runBuilt: (round) => ({ command: process.execPath, args: [skiffBin, 'run', '--rm', '--root', root(round), tag] }),
    cacheMarker: /^#\d+ CACHED$/,
    teardown: async (round) => { removeStore(root(round)); },
  };
}

/** buildah bud and podman build share a store layout; each round gets a fresh one. */
function containersContender(s: BuildSetup, name: 'buildah' | 'podman'): BuildContender {
  const base = (round: number): string => s.ws.path(`${name.slice(0, 3)}-${round}`);
  const common = ['--layers', '--pull=never', '--network', 'none', '-t', tag];
  return {
    name,
    prepare: (round) => loadIntoPodmanStore(s.podmanEnv, base(round), s.archive),
    build: (round) => (name === 'buildah'
      ? { command: 'buildah', env: s.podmanEnv, args: [...storageFlags(base(round), { libpod: false }), 'bud', ...common, s.context] }
      : { command: 'podman', env: s.podmanEnv, args: [...storageFlags(base(round), { libpod: true }), 'build', ...common, s.context] }),
    runBuilt: (round) => ({ command: 'podman', env: s.podmanEnv, args: [...storageFlags(base(round), { libpod: true }), 'run', '--rm', '--pull', 'never', '--network', 'none', tag] }),
    cacheMarker: /^--> Using cache /,
    teardown: async (round) => { removeStore(base(round)); },
  };
}

function buildkitContender(d: Dockerd, context: string): BuildContender {
  const docker = (args: string[]): Command => ({ command: d.docker, env: d.env, args });
  return {
    name: 'buildkit',
    prepare: async () => {
      await timedSpawn(d.docker, ['rmi', '-f', tag], { env: d.env, timeoutMs: 60_000 });
      await must(docker(['builder', 'prune', '-af']), 'docker builder prune');
    },
    build: () => docker(['build', '--network', 'none', '-t', tag, context]),
    runBuilt: () => docker(['run', '--rm', '--pull', 'never', '--network', 'none', tag]),
    cacheMarker: /^#\d+ CACHED$/,
    teardown: async () => undefined,
  };
}

export function buildContenders(s: BuildSetup): BuildContender[] {
  const list = [skiffContender(s), containersContender(s, 'buildah'), containersContender(s, 'podman')];
  if (s.dockerd) list.push(buildkitContender(s.dockerd, s.context));
  return list;
}

export interface BuildMeasurement {
  readonly cold: Samples;
  readonly cached: Samples;
  /** Cache hits seen in the cold and the cached build log of the last round, per contender. */
  readonly cacheHits: Map<string, { cold: number; cached: number }>;
  readonly errors: Map<string, string>;
}

function output(r: TimedRun): string {
  return `${r.stdout}\n${r.stderr}`;
}

/**
 * `warmup` untimed rounds (the first also checks each built image's output), then `rounds`
 * timed ones. A contender that fails is reported and left out of later rounds.
 */
export async function measureBuilds(contenders: readonly BuildContender[], rounds: number, warmup: number): Promise<BuildMeasurement> {
  const cold = new Samples();
  const cached = new Samples();
  const cacheHits = new Map<string, { cold: number; cached: number }>();
  const errors = new Map<string, string>();
  for (let round = -warmup; round < rounds; round++) {
    const storeRound = round + warmup;
    for (const c of roundOrder(contenders, storeRound)) {
      if (errors.has(c.name)) continue;
      try {
        await c.prepare(storeRound);
        const run = async (): Promise<TimedRun> => {
          const cmd = c.build(storeRound);
          const r = await timedSpawn(cmd.command, cmd.args, { ...(cmd.env ? { env: cmd.env } : {}), timeoutMs: 300_000 });
          if (r.code !== 0) throw new Error(`build failed (${r.signal ?? `exit ${r.code}`}): ${r.stderr.trim().slice(-400)}`);
          return r;
        };
        const first = await run();
        const second = await run();
        cacheHits.set(c.name, { cold: countLines(output(first), c.cacheMarker), cached: countLines(output(second), c.cacheMarker) });
        if (round === -warmup) {
          const cmd = c.runBuilt(storeRound);
          const ran = await timedSpawn(cmd.command, cmd.args, { ...(cmd.env ? { env: cmd.env } : {}), timeoutMs: 60_000 });
          if (ran.stdout !== expectedOutput) throw new Error(`the built image printed ${JSON.stringify(ran.stdout)} (exit ${ran.code}), not ${JSON.stringify(expectedOutput)}: ${ran.stderr.trim().slice(-300)}`);
        }
        if (round >= 0) {
          cold.add(c.name, round, first.ms);
          cached.add(c.name, round, second.ms);
        }
      } catch (err: unknown) {
        errors.set(c.name, err instanceof Error ? err.message : String(err));
      } finally {
        await c.teardown(storeRound);
      }
    }
  }
  return { cold, cached, cacheHits, errors };
}
