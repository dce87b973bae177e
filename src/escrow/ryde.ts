import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as openpgp from 'openpgp';
import tar from 'tar-stream';
import { createDeflate } from 'node:zlib';
import type { DepositKeys } from './keys.js';
import { EscrowError } from './keys.js';

/**
 * RyDE packaging (ICANN's conventions for Specification 2 deposits), through OpenPGP.js:
 * BASE.xml alone in an uncompressed tar; the tar as the literal data of one binary OpenPGP message,
 * ZLIB-compressed and encrypted to the escrow agent's key in a symmetrically encrypted integrity-protected
 * packet, version 1 with MDC (OpenPGP.js writes SEIPD v1 unless AEAD is asked for); and a detached binary
 * signature with SHA-256 by the registry's key over the .ryde file's bytes. Everything streams: a deposit
 * of any size passes through in chunks.
 *
 * The compressed data packet is built here around Node's zlib (RFC 1950, OpenPGP's ZLIB algorithm 2) rather
 * than by OpenPGP.js's own compression, which goes through Node 20's web CompressionStream: that one reads its
 * input far ahead of its output on compressible data (measured: 106 MB of buffers for a 300 MB file, against
 * 32 MB through zlib's own stream), so memory grew with the deposit's size. OpenPGP.js still frames every
 * packet: the literal data packet, the compressed data packet around it, and the encryption.
 */
export async function writeRyde(xmlFile: string, xmlName: string, tarName: string, rydeFile: string, keys: DepositKeys, date: Date): Promise<void> {
  const pack = tar.pack();
  const size = statSync(xmlFile).size;
  const entry = pack.entry({ name: xmlName, size, mode: 0o644, mtime: date, type: 'file' });
  const packed = pipeline(createReadStream(xmlFile), entry).then(() => pack.finalize());
  packed.catch((e) => pack.destroy(e as Error));

  const literal = new (openpgp.LiteralDataPacket as unknown as new (d: Date) => openpgp.LiteralDataPacket)(date);
  (literal as unknown as { setBytes(b: openpgp.WebStream<Uint8Array>, f: openpgp.enums.literal): void }).setBytes(toWeb(pack as unknown as AsyncIterable<Uint8Array>), openpgp.enums.literal.binary);
  (literal as unknown as { setFilename(name: string): void }).setFilename(tarName);
  const inner = new openpgp.PacketList<openpgp.AnyPacket>();
  inner.push(literal);
  const deflate = createDeflate();
  const deflated = pipeline(Readable.fromWeb(inner.write() as unknown as WebReadableStream<Uint8Array>), deflate);
  deflated.catch(() => {}); // reported through the encryption's stream
  const compressed = new openpgp.CompressedDataPacket();
  (compressed as unknown as { algorithm: number; compressed: unknown }).algorithm = openpgp.enums.compression.zlib;
  (compressed as unknown as { algorithm: number; compressed: unknown }).compressed = toWeb(deflate);
  const outer = new openpgp.PacketList<openpgp.AnyPacket>();
  outer.push(compressed);
  const message = new openpgp.Message(outer as unknown as openpgp.PacketList<openpgp.AnyPacket>);
  const encrypted = await openpgp.encrypt({
    message: message as openpgp.Message<openpgp.WebStream<Uint8Array>>,
    encryptionKeys: keys.encryption,
    format: 'binary',
    date,
    // Compressed already (above): OpenPGP.js must not compress it again.
    config: { preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed, aeadProtect: false },
  });
  await Promise.all([pipeline(Readable.fromWeb(encrypted as WebReadableStream<Uint8Array>), createWriteStream(rydeFile, { flags: 'wx' })), packed, deflated]);
}

/**
 * The detached signature (binary, SHA-256) of a file's bytes, made by the registry's signing (sub)key.
 * OpenPGP.js's sign() picks the hash itself and, for Curve25519 (EdDSA) keys, never goes below SHA-512, the
 * curve's own preference; RyDE asks for SHA-256, which RFC 9580 allows for EdDSA (at least 256 bits). So the
 * signature packet is set up here with SHA-256 and signed by the library's own packet code.
 */
export async function writeSignature(file: string, sigFile: string, keys: DepositKeys, date: Date): Promise<void> {
  const key = await keys.signing.getSigningKey(undefined, date);
  const literal = new (openpgp.LiteralDataPacket as unknown as new (d: Date) => openpgp.LiteralDataPacket)(date);
  (literal as unknown as { setBytes(b: openpgp.WebStream<Uint8Array>, f: openpgp.enums.literal): void }).setBytes(toWeb(createReadStream(file)), openpgp.enums.literal.binary);
  const packet = new openpgp.SignaturePacket();
  packet.signatureType = openpgp.enums.signature.binary;
  packet.publicKeyAlgorithm = key.keyPacket.algorithm;
  packet.hashAlgorithm = openpgp.enums.hash.sha256;
  const sign = packet.sign.bind(packet) as unknown as (k: unknown, d: unknown, at: Date, detached: boolean, c: openpgp.Config) => Promise<void>;
  await sign(key.keyPacket, literal, date, true, openpgp.config);
  // The data is hashed as it streams through: the literal packet's own branch of it must be read too.
  const params = (packet as unknown as { params: Promise<unknown> }).params;
  await Promise.all([readWeb((literal as unknown as { getBytes(): ReadableStream<Uint8Array> }).getBytes()), params]);
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  list.push(packet);
  const written = new openpgp.Signature(list).write();
  const bytes = written instanceof Uint8Array ? written : await readWeb(written as unknown as ReadableStream<Uint8Array>);
  writeFileSync(sigFile, bytes, { flag: 'wx' });
}

/** Checks a detached signature over a file; returns the signer's key id. Throws EscrowError when it does not verify. */
export async function checkSignature(file: string, sigFile: string, signer: openpgp.PublicKey): Promise<{ keyId: string; hash: string }> {
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ binarySignature: new Uint8Array(await readAll(createReadStream(sigFile))) });
  } catch (e) {
    throw new EscrowError(`${sigFile} is not an OpenPGP signature: ${(e as Error).message}`);
  }
  const message = await openpgp.createMessage({ binary: toWeb(createReadStream(file)) });
  const result = await openpgp.verify({ message, signature, verificationKeys: signer, format: 'binary' });
  // The signature is checked as the data passes: read it through (with a reader: OpenPGP.js's stream refuses
  // the async iterator).
  const reader = (result.data as unknown as ReadableStream<Uint8Array>).getReader();
  while (!(await reader.read()).done);
  const [sig] = result.signatures;
  try {
    await sig.verified;
  } catch (e) {
    throw new EscrowError(`signature ${sigFile} does not verify over ${file}: ${(e as Error).message}`);
  }
  const packet = (await sig.signature).packets[0];
  const readEnum = openpgp.enums.read as (type: object, value: number) => string;
  return { keyId: sig.keyID.toHex().toUpperCase(), hash: readEnum(openpgp.enums.hash, packet.hashAlgorithm as number) };
}

/**
 * Opens a .ryde: checks it is one message of a public-key encrypted session key and a SEIPD v1 packet,
 * decrypts it with the agent's key, and extracts the tar's single member to `xmlOut`. Returns the member's
 * name. The integrity check (MDC) runs at the end of the stream: nothing is
 * used before the whole file has passed it.
 */
export async function openRyde(rydeFile: string, agentKey: openpgp.PrivateKey, xmlOut: string): Promise<{ member: string }> {
  let message: openpgp.Message<openpgp.WebStream<Uint8Array>>;
  try {
    message = await openpgp.readMessage({ binaryMessage: toWeb(createReadStream(rydeFile)) });
  } catch (e) {
    throw new EscrowError(`${rydeFile} is not an OpenPGP message: ${(e as Error).message}`);
  }
  const seipd = message.packets.filterByTag(openpgp.enums.packet.symEncryptedIntegrityProtectedData);
  if (seipd.length !== 1 || (seipd[0] as openpgp.SymEncryptedIntegrityProtectedDataPacket & { version: number }).version !== 1) {
    throw new EscrowError(`${rydeFile} is not encrypted in one SEIPD version 1 (MDC) packet`);
  }
  let decrypted: openpgp.DecryptMessageResult;
  try {
    decrypted = await openpgp.decrypt({ message, decryptionKeys: agentKey, format: 'binary', config: { allowUnauthenticatedStream: true } });
  } catch (e) {
    throw new EscrowError(`${rydeFile} does not decrypt with the agent key: ${(e as Error).message}`);
  }
  const extract = tar.extract();
  const members: string[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      members.push(entry.header.name);
      if (members.length === 1 && entry.header.type === 'file') await pipeline(entry, createWriteStream(xmlOut, { flags: 'wx' }));
      else entry.resume();
    }
  })();
  try {
    await Promise.all([pipeline(Readable.fromWeb(decrypted.data as WebReadableStream<Uint8Array>), extract), reading]);
  } catch (e) {
    throw new EscrowError(`${rydeFile}: decryption or the tar inside failed: ${(e as Error).message}`);
  }
  if (members.length !== 1) throw new EscrowError(`the tar in ${rydeFile} holds ${members.length} members (${members.join(', ')}); a deposit's holds its XML alone`);
  return { member: members[0] };
}

function toWeb(s: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): openpgp.WebStream<Uint8Array> {
  return ReadableStream.from(s as AsyncIterable<Uint8Array>) as unknown as openpgp.WebStream<Uint8Array>;
}

/** All of an OpenPGP.js web stream (read with a reader: its streams refuse the async iterator). */
async function readWeb(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const reader = s.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return Buffer.concat(parts);
}

async function readAll(s: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of s) parts.push(c);
  return Buffer.concat(parts);
}
