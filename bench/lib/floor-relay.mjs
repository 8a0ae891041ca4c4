// The floor target's server (BENCH_TARGETS=…,floor): the least a Node relay can do per request on this
// machine, to read the gateway's and Portkey's overhead against. node:http in, undici out, the body
// parsed and serialised once (as any relay that looks at the model must), the answer passed through
// byte for byte with backpressure. No auth, routing, limits, metering, logs or usage records: it is a
// bound, not a gateway. Run as `node floor-relay.mjs --port=N --upstream=http://127.0.0.1:M`.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const port = Number(arg('port'));
const upstream = new Pool(String(arg('upstream')), { connections: 2048, pipelining: 1 });

const server = createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const answer = await upstream.request({
      path: req.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization) },
      body: JSON.stringify(body),
    });
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type']) });
    for await (const chunk of answer.body) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  } catch (error) {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`floor relay listening on ${port}`));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void upstream.close().then(() => process.exit(0));
});
