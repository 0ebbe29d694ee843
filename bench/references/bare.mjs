// The platform's limit on this machine: node:http answering pre-serialized JSON bodies, with no
// framework, no middleware and no logging. The benchmark divides every figure of the generated
// service by this server's, measured in the same run on the same routes.
//
//   node bare.mjs SPEC.json     (SPEC: the routes and bodies; written by bench/run.py)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const bodies = new Map(spec.routes.map((route) => [`${route.method} ${route.path}`, Buffer.from(route.body)]));

const server = createServer((request, response) => {
  const body = bodies.get(`${request.method} ${request.url}`);
  if (body === undefined) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  response.end(body);
});

// Fastify's default, so idle keep-alive sockets stay open as long on every server measured.
server.keepAliveTimeout = 72_000;
server.listen(spec.port, spec.host);
process.on('SIGTERM', () => process.exit(0));
