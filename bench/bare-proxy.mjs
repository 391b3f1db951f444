// The baseline: the least a forwarding proxy can do (node:http in, undici out, bytes piped).
// Usage: node bare-proxy.mjs <listen port> <upstream origin>
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { Agent } from 'undici';

const upstream = process.argv[3];
const agent = new Agent({ keepAliveTimeout: 30_000 });
const server = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  try {
    const answer = await agent.request({
      origin: upstream,
      path: request.url.replace(/^\/api\/openai/, ''),
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
    });
    response.writeHead(answer.statusCode, { 'content-type': answer.headers['content-type'] });
    pipeline(answer.body, response, () => {});
  } catch {
    response.writeHead(502).end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
process.on('SIGINT', () => process.exit(0));
