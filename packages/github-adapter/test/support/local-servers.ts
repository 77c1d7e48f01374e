import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';

/** A throwaway HTTP server on 127.0.0.1 answering with `handler`. */
export interface LocalServer {
  /** `127.0.0.1:PORT`, for references. */
  host: string;
  close(): Promise<void>;
}

export async function startServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the test server has no port');
  return {
    host: `127.0.0.1:${address.port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Answers every request `503 Service Unavailable` with a distribution error body. */
export function unavailable(): Promise<LocalServer> {
  return startServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'service unavailable' }] }));
  });
}

/** Accepts requests and never answers them. */
export function silent(): Promise<LocalServer> {
  return startServer(() => {});
}
