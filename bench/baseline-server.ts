/**
 * The benchmark's baseline: a bare TLS server with the registry's TLS settings and RFC 5734 framing that
 * answers every frame with one fixed, pre-built EPP response, parsing nothing. Its throughput is the limit
 * of the transport (TLS + framing + the client) on this machine, against which the registry is compared.
 *
 * Usage: node dist/bench/baseline-server.js --certs DIR [--port N] [--host 127.0.0.1]
 * Prints `listening <port>` on stdout once it accepts connections; stops on SIGTERM/SIGINT or when its
 * parent goes away.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
// The same cipher list as the EPP server.
import { EPP_CIPHERS } from '../src/transport/epp-server.js';
import { FrameReader, frame } from '../src/transport/framing.js';


const GREETING = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><greeting><svID>Baseline</svID><svDate>2025-01-01T00:00:00.0Z</svDate><svcMenu><version>1.0</version><lang>en</lang><objURI>urn:ietf:params:xml:ns:domain-1.0</objURI><objURI>urn:ietf:params:xml:ns:contact-1.0</objURI><objURI>urn:ietf:params:xml:ns:host-1.0</objURI></svcMenu><dcp><access><all/></access><statement><purpose><admin/><prov/></purpose><recipient><ours/></recipient><retention><stated/></retention></statement></dcp></greeting></epp>`;

/** The size and shape of the registry's answer to a one-name domain:check. */
const BASELINE_RESPONSE = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><response><result code="1000"><msg>Command completed successfully</msg></result><resData><domain:chkData xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:cd><domain:name avail="1">bench-free-000000.tatar</domain:name></domain:cd></domain:chkData></resData><trID><clTRID>B0-000000</clTRID><svTRID>REG-0000000000000-000000</svTRID></trID></response></epp>`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const certs = arg('--certs');
  if (!certs) {
    console.error('usage: baseline-server --certs DIR [--port N] [--host H]');
    process.exit(2);
  }
  const host = arg('--host') ?? '127.0.0.1';
  const port = Number(arg('--port') ?? 0);
  const greeting = frame(GREETING);
  const answer = frame(BASELINE_RESPONSE);
  const server = tls.createServer({
    cert: readFileSync(join(certs, 'server.crt')),
    key: readFileSync(join(certs, 'server.key')),
    ca: readFileSync(join(certs, 'ca.crt')),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    ciphers: EPP_CIPHERS,
    honorCipherOrder: true,
    handshakeTimeout: 10_000,
    noDelay: true, // as the registry server
  });
  server.on('secureConnection', (socket) => {
    const reader = new FrameReader(65536);
    socket.on('data', (chunk: Buffer) => {
      for (const ev of reader.push(chunk)) {
        if ('error' in ev) {
          socket.destroy();
          return;
        }
        socket.write(answer);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.write(greeting);
  });
  server.on('tlsClientError', () => undefined);
  server.listen(port, host, () => {
    const a = server.address() as { port: number };
    process.stdout.write(`listening ${a.port}\n`);
  });
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

main();
