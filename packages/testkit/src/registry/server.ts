import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { accessFor, createAuthenticator } from './auth.js';
import { createControl } from './control.js';
import { RegistryError, registryError } from './errors.js';
import { sendError, sendPlain } from './http.js';
import { createRouter } from './routes.js';
import { RegistryStore } from './store.js';
import type { Registry, RegistryOptions, RequestRecord } from './types.js';

/**
 * Starts an OCI distribution registry emulator on 127.0.0.1: the Docker Registry HTTP API v2 as
 * distribution/distribution 2.8 answers it (manifests, blobs, uploads, tag lists, errors, basic or
 * ghcr.io-style token authentication), held in memory, with a control API to push images and Helm charts
 * directly and to read the push and request logs.
 *
 * @example
 * ```ts
 * const registry = await startRegistry({ auth: { kind: 'basic', username: 'bot', password: 's3cret' } });
 * const { digest } = await registry.control.pushImage('weaveworks/wego-app', 'v0.9.1', {
 *   revision: '6c2f1e4',
 *   platforms: ['linux/amd64', 'linux/arm64'],
 * });
 * const res = await fetch(`${registry.url}/v2/weaveworks/wego-app/manifests/v0.9.1`, {
 *   method: 'HEAD',
 *   headers: {
 *     accept: 'application/vnd.oci.image.index.v1+json',
 *     authorization: `Basic ${Buffer.from('bot:s3cret').toString('base64')}`,
 *   },
 * });
 * // res.status === 200, res.headers.get('docker-content-digest') === digest
 * await registry.close();
 * ```
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const server = createServer();
  const port = await listen(server, options.port ?? 0);
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const store = new RegistryStore(options.now ?? (() => new Date()));
  const requestLog: RequestRecord[] = [];
  const authenticator = createAuthenticator(options.auth ?? { kind: 'anonymous' }, url, host);
  const route = createRouter(authenticator.issueToken);

  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const requestUrl = new URL(req.url ?? '/', url);
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    try {
      const matched = route(requestUrl.pathname);
      if (!matched) {
        sendPlain(res, 404, '404 page not found');
        return;
      }
      if (matched.authenticated) {
        const access = matched.name === undefined ? undefined : accessFor(matched.name, method);
        authenticator.authorize(req.headers.authorization, access);
      }
      const handler = matched.handlers[method];
      if (!handler) {
        sendPlain(res, 405, 'Method not allowed', { Allow: Object.keys(matched.handlers).sort().join(', ') });
        return;
      }
      await handler({ req, res, url: requestUrl, registryUrl: url, store });
    } catch (error) {
      if (res.headersSent) res.destroy();
      else sendError(res, error instanceof RegistryError ? error : registryError('UNKNOWN', String(error)));
    } finally {
      requestLog.push({ method, path: requestUrl.pathname, status: res.statusCode });
    }
  });

  return {
    url,
    host,
    control: createControl(store, requestLog, () => authenticator.forgetTokens()),
    close: () => close(server),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`registry emulator: cannot listen on 127.0.0.1:${port}: ${error.message}`, { cause: error })),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
