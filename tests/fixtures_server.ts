/**
 * A real HTTP server on 127.0.0.1 for the download tests: each path responds
 * through a route, and every request is recorded.
 *
 * @module
 */

/** Responds to one request. */
export type Route = (request: Request) => Response | Promise<Response>;

/** A running test server. */
export interface TestServer {
  /** Base address, ending in a slash: `http://127.0.0.1:PORT/`. */
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
}

/**
 * Starts a server on a free port of 127.0.0.1, runs `fn` with it and stops it,
 * even when `fn` throws. A path without a route gets a 404 response.
 */
export async function withServer<T>(
  routes: Record<string, Route>,
  fn: (server: TestServer) => Promise<T>,
): Promise<T> {
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      requests.push(path);
      const route = routes[path];
      return route ? route(request) : new Response("Not Found", { status: 404 });
    },
  );
  try {
    return await fn({ url: `http://127.0.0.1:${server.addr.port}/`, requests });
  } finally {
    await server.shutdown();
  }
}

/** Serves bytes as a gzip file with its Content-Length. */
export function fileRoute(bytes: Uint8Array): Route {
  return () =>
    new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/x-gzip" },
    });
}

/** Announces all of `bytes` but closes the connection after the first `sent` bytes. */
export function cutOffRoute(bytes: Uint8Array, sent: number): Route {
  return () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, sent));
        controller.close();
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "application/x-gzip",
        "content-length": String(bytes.length),
      },
    });
  };
}

/** Sends the first `sent` bytes, then nothing more until the client gives up. */
export function stallRoute(bytes: Uint8Array, sent: number): Route {
  return () => {
    let first = true;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!first) return new Promise<void>(() => {});
        first = false;
        controller.enqueue(bytes.slice(0, sent));
      },
    });
    return new Response(body, {
      headers: { "content-type": "application/x-gzip" },
    });
  };
}
