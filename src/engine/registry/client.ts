/**
 * A session with one registry: finds its endpoint (GET /v2/), answers its auth challenges
 * (anonymous, Basic, or Bearer tokens fetched from the realm it names, cached per scope),
 * and sends requests with the right Authorization header. A 401 on a request is answered
 * once: the challenge may ask for a scope we did not know we needed (e.g. `pull` on the
 * repository a blob is mounted from).
 */
import { parseChallenges, type Challenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { planEndpoint } from './endpoint.js';
import { RegistryError, describeFailure, parseErrorBody } from './errors.js';
import { drain, header, readBody, send, type HttpResponse, type RequestBody } from './http.js';

export interface ClientOptions {
  /** The registry as references name it: `127.0.0.1:5000`, `quay.io`, `docker.io`. */
  registry: string;
  /** undefined: verify, except plain http on loopback. */
  tlsVerify?: boolean;
  credentials?: Credentials;
  userAgent?: string;
}

export interface ClientRequest {
  method: string;
  /** A path under the endpoint (`/v2/a/manifests/1`) or an absolute URL (upload locations). */
  target: string | URL;
  /** Token scopes the request needs: `repository:a/b:pull,push`. */
  scopes: readonly string[];
  headers?: Record<string, string>;
  body?: RequestBody;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

const MAX_REDIRECTS = 5;

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

export class RegistryClient {
  readonly registry: string;
  private base: URL | undefined;
  private tlsVerify = true;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly userAgent: string;

  constructor(private readonly options: ClientOptions) {
    this.registry = options.registry;
    this.userAgent = options.userAgent ?? 'skiff/0.1.0';
  }

  /** GET /v2/: picks the endpoint that answers and learns how it wants to be authenticated. */
  async ping(): Promise<void> {
    if (this.base) return;
    const plan = planEndpoint(this.registry, this.options.tlsVerify);
    let lastError: unknown;
    for (const base of plan.bases) {
      let res: HttpResponse;
      try {
        res = await send({ method: 'GET', url: new URL('/v2/', base), headers: { 'user-agent': this.userAgent }, tlsVerify: plan.tlsVerify });
      } catch (err: unknown) {
        lastError = err;
        continue;
      }
      await drain(res);
      if (res.status !== 200 && res.status !== 401) {
        lastError = new RegistryError(`pinging container registry ${this.registry}: unexpected HTTP status ${res.status}`, res.status);
        continue;
      }
      this.base = base;
      this.tlsVerify = plan.tlsVerify;
      const authenticate = header(res, 'www-authenticate');
      this.challenge = res.status === 401 && authenticate ? parseChallenges(authenticate)[0] : undefined;
      return;
    }
    throw new Error(`pinging container registry ${this.registry}: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { cause: lastError });
  }

  /**
   * Proves the credentials work, as `docker login` does: GET /v2/ with them (Basic), or a
   * token without scopes from the realm (Bearer). A registry that asks for nothing passes.
   */
  async checkCredentials(): Promise<void> {
    await this.ping();
    if (!this.challenge) return;
    if (this.challenge.scheme === 'bearer') {
      await this.fetchToken(this.challenge, []);
      return;
    }
    const res = await this.sendFollowing({ method: 'GET', target: '/v2/', scopes: [] }, await this.authorization([]));
    if (res.status !== 200) await this.fail(res, `logging in to ${this.registry}`);
    await drain(res);
  }

  /** Sends a request, authenticated, following redirects; the caller owns the response body. */
  async request(req: ClientRequest): Promise<HttpResponse> {
    await this.ping();
    let res = await this.sendFollowing(req, await this.authorization(req.scopes));
    if (res.status === 401) {
      const fresh = parseChallenges(header(res, 'www-authenticate') ?? '')[0];
      if (fresh) {
        await drain(res);
        this.challenge = fresh;
        const scopes = fresh.params.scope ? [...req.scopes, ...fresh.params.scope.split(' ')] : req.scopes;
        this.tokens.delete(scopeKey(scopes));
        res = await this.sendFollowing(req, await this.authorization(scopes));
      }
    }
    return res;
  }

  /** Reads the error body of a failed response and throws it as a RegistryError. */
  async fail(res: HttpResponse, what: string): Promise<never> {
    const details = parseErrorBody(await readBody(res, 1 << 20).catch(() => Buffer.alloc(0)));
    const message = res.status === 401 && details.length === 0
      ? `${what}: authentication required`
      : describeFailure(what, res.status, details);
    throw new RegistryError(message, res.status, details);
  }

  private async sendFollowing(req: ClientRequest, authorization: string | undefined): Promise<HttpResponse> {
    let url = typeof req.target === 'string' ? new URL(req.target, this.base) : req.target;
    const origin = this.base!.origin;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
      // Credentials go only to the registry itself, never to a storage backend it redirects to.
      if (authorization !== undefined && url.origin === origin) headers.authorization = authorization;
      const res = await send({ method: req.method, url, headers, ...(req.body !== undefined ? { body: req.body } : {}), tlsVerify: this.tlsVerify });
      const location = header(res, 'location');
      const redirect = [301, 302, 303, 307, 308].includes(res.status) && location !== undefined && (req.method === 'GET' || req.method === 'HEAD');
      if (!redirect || hop >= MAX_REDIRECTS) return res;
      await drain(res);
      url = new URL(location, url);
    }
  }

  /** The Authorization header for these scopes, fetching a bearer token when needed. */
  private async authorization(scopes: readonly string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    const creds = this.options.credentials;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      return creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    }
    if (challenge.scheme !== 'bearer') throw new Error(`registry ${this.registry} asks for unsupported authentication "${challenge.scheme}"`);
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    const token = await this.fetchToken(challenge, scopes);
    this.tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  private async fetchToken(challenge: Challenge, scopes: readonly string[]): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new Error(`registry ${this.registry}: bearer challenge without a realm`);
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    for (const scope of new Set(scopes)) url.searchParams.append('scope', scope);
    const creds = this.options.credentials;
    if (creds) url.searchParams.set('account', creds.username);
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const res = await send({ method: 'GET', url, headers, tlsVerify: url.protocol === 'https:' ? this.tlsVerify : false });
    if (res.status !== 200) {
      const what = `requesting bearer token from ${url.origin}${url.pathname}`;
      await drain(res);
      throw new RegistryError(res.status === 401 || res.status === 403 ? `${what}: invalid username/password` : `${what}: HTTP status ${res.status}`, res.status);
    }
    const body = JSON.parse((await readBody(res, 1 << 20)).toString('utf8')) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const value = typeof body.token === 'string' && body.token !== '' ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
    if (value === '') throw new Error(`token server ${url.origin} answered without a token`);
    // Tokens default to 60 s (distribution's token spec); renew a little early.
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { value, expiresAt: Date.now() + Math.max(lifetime - 10, 1) * 1000 };
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}
