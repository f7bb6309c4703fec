// Verifies every DKIM signature of the message on stdin with mailauth (Postal Systems), asking
// the loopback DNS server named by argv for the keys. Prints one line per signature:
// "RESULT ALGORITHM SELECTOR DOMAIN" (RESULT: pass, fail, neutral, ...).
'use strict';
const path = require('path');
const dns = require('dns');
const prefix = process.env.SMTPSEND_MAILAUTH_PREFIX || '/opt/smtpsend-test/mailauth';
const { dkimVerify } = require(path.join(prefix, 'node_modules/mailauth/lib/dkim/verify'));

async function main() {
  const [server, port] = [process.argv[2], process.argv[3]];
  const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([`${server}:${port}`]);
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const result = await dkimVerify(Buffer.concat(chunks), {
    resolver: (name, type) => resolver.resolve(name, type),
  });
  for (const r of result.results) {
    console.log([r.status.result, r.algo, r.selector, r.signingDomain, r.status.comment || ''].join(' ').trim());
  }
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
