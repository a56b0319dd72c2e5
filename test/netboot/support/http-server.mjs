// A static HTTP server for the boot tests: serves a directory and logs every request as a JSON line
// on stdout ({ method, path, status, userAgent }), so a test can assert what iPXE fetched, in order.
// Usage: node http-server.mjs --root DIR --host ADDRESS --port PORT [--fail-first URLPATH]
// --fail-first answers the first request for that path with 503, to test how clients retry.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { root: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, 'fail-first': { type: 'string', multiple: true } } });
const failFirst = new Set(values['fail-first'] ?? []);
const root = path.resolve(values.root ?? '.');

const server = createServer((request, response) => {
  const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  const file = path.join(root, urlPath);
  let status = 404;
  let size = 0;
  if (failFirst.delete(urlPath)) {
    status = 503;
  } else if (file.startsWith(root + path.sep)) {
    try {
      const stat = statSync(file);
      if (stat.isFile()) {
        status = 200;
        size = stat.size;
      }
    } catch {
      status = 404;
    }
  }
  process.stdout.write(`${JSON.stringify({ method: request.method, path: urlPath, status, userAgent: request.headers['user-agent'] ?? '' })}\n`);
  if (status !== 200) {
    response.writeHead(status, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
  createReadStream(file).pipe(response);
});

server.listen(Number(values.port ?? 8080), values.host ?? '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ listening: server.address() })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
