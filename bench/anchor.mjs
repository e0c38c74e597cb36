// The benchmark's anchor: panva/oidc-provider (a certified OpenID provider) with its development
// login and consent pages, on loopback HTTPS, with one implicit-flow client whose redirect URI is
// a blank page on another site, so the journey crosses sites as ours does (B2C -> jwt.ms).
//
//   node bench/anchor.mjs --cert CHAIN.pem --key KEY.pem [--issuer https://op.anchor.test] [--rp https://rp.anchor.test]
//
// Prints "anchor-listening: PORT" once it accepts connections; bench/run.py times spawn to that line.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    cert: { type: 'string' },
    key: { type: 'string' },
    issuer: { type: 'string', default: 'https://op.anchor.test' },
    rp: { type: 'string', default: 'https://rp.anchor.test' },
  },
});
if (!args.cert || !args.key) {
  console.error('usage: node bench/anchor.mjs --cert CHAIN.pem --key KEY.pem [--issuer URL] [--rp URL]');
  process.exit(2);
}

// Imported after the arguments are checked, as a provider's start would: this is part of the timed start.
const { default: Provider } = await import('oidc-provider');

const provider = new Provider(args.issuer, {
  clients: [{
    client_id: 'bench',
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit'],
    redirect_uris: [`${args.rp}/cb`],
    token_endpoint_auth_method: 'none',
  }],
  cookies: { keys: ['bench-cookie-key-not-secret'] },
  // Default account lookup: any login is an account; devInteractions (on by default) draw the login and consent pages.
});
// The development pages @import a web font; offline that request fails, and it does not block the journey.

const rpHost = new URL(args.rp).host;
const callback = provider.callback();
const server = createServer({ cert: readFileSync(args.cert), key: readFileSync(args.key) }, (req, res) => {
  if (req.headers.host === rpHost) { // the relying party: a blank page that receives the token in its fragment
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>rp</title><p id="rp">signed in</p>');
    return;
  }
  callback(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`anchor-listening: ${server.address().port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
