import { loginXml, PASSWORDS, command } from '/work/main/dist/test/helpers.js';
import { Session } from '/work/main/dist/src/session/session.js';
import { readFileSync, rmSync } from 'node:fs';
import { fingerprint } from '/work/main/dist/src/transport/dev-certs.js';
import { startRegistry } from '/work/main/dist/src/app.js';
import { defaultConfig } from '/work/main/dist/src/config.js';
import { pino, destination } from 'pino';
rmSync('/tmp/micro3', { recursive: true, force: true });
const c = defaultConfig('/work/main'); c.database = '/tmp/micro3/r.sqlite'; c.certsDir = '/tmp/memtest/certs'; c.epp.port = 0; c.http.enabled = false;
c.tls = { cert: '/tmp/memtest/certs/server.crt', key: '/tmp/memtest/certs/server.key', ca: '/tmp/memtest/certs/ca.crt' };
const r = await startRegistry(c, { log: pino({ level: 'info' }, destination({ dest: '/tmp/micro3.log', sync: false })) });
const runner = r.runner;
const s1 = new Session('bench', '127.0.0.1', fingerprint(readFileSync(c.certsDir + '/clientx.crt', 'utf8')), true, null);
const lr = await runner.handle(s1, Buffer.from(loginXml('ClientX', PASSWORDS.ClientX)));
if (!lr.xml.includes('"1000"')) throw new Error(lr.xml);
let k = 0;
const cmds = {
  check: () => command('<check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>example1.tatar</domain:name></domain:check></check>'),
  cinfo: () => command('<info><contact:info xmlns:contact="urn:ietf:params:xml:ns:contact-1.0"><contact:id>nobody-x</contact:id></contact:info></info>'),
  ccreate: () => command(`<create><contact:create xmlns:contact="urn:ietf:params:xml:ns:contact-1.0"><contact:id>c${process.pid}-${k++}</contact:id><contact:postalInfo type="int"><contact:name>A B</contact:name><contact:addr><contact:street>1 St</contact:street><contact:city>Kazan</contact:city><contact:cc>RU</contact:cc></contact:addr></contact:postalInfo><contact:email>a@b.ru</contact:email><contact:authInfo><contact:pw>secret-1</contact:pw></contact:authInfo></contact:create></create>`),
};
const which = process.argv[2] ?? 'check';
const n = Number(process.argv[3] ?? 30000), conc = 50;
let done = 0; const codes = {};
const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: conc }, async () => { while (done < n) { done++; const x = await runner.handle(s1, Buffer.from(cmds[which]())); const code = x.xml.match(/code="(\d+)"/)[1]; codes[code] = (codes[code] ?? 0) + 1; } }));
const cu = process.cpuUsage(c0);
console.log(which, ((cu.user + cu.system) / n).toFixed(1), 'us cpu/cmd', (Number(process.hrtime.bigint() - t0) / 1000 / n).toFixed(1), 'us wall/cmd', JSON.stringify(codes));
await r.close(); process.exit(0);
