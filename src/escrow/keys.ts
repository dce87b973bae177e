import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

/** A refusal of the escrow commands: one line for the operator, nothing written. */
export class EscrowError extends Error {}

export interface EscrowKeyFiles {
  /** The escrow agent's public key (armored, as `gpg --armor --export` writes it): deposits are encrypted to it. */
  agentPublicKey: string;
  /** The registry's secret key (armored, as `gpg --armor --export-secret-keys` writes it): deposits are signed with it. */
  signingKey: string;
  /** File holding the signing key's passphrase ('' for none); REGISTRY_ESCROW_SIGNING_KEY_PASSPHRASE wins over it. */
  signingKeyPassphraseFile: string;
}

export interface DepositKeys {
  encryption: openpgp.PublicKey;
  signing: openpgp.PrivateKey;
}

function readArmored(file: string, what: string, setting: string): string {
  if (!existsSync(file)) {
    throw new EscrowError(`${what} ${file} does not exist (set ${setting}; \`registry escrow keys generate\` makes development keys)`);
  }
  return readFileSync(file, 'utf8');
}

/** A passphrase from the environment or a file (its trailing newline dropped), or undefined. */
export function passphraseFrom(envValue: string | undefined, file: string): string | undefined {
  if (envValue !== undefined && envValue !== '') return envValue;
  if (file === '') return undefined;
  if (!existsSync(file)) throw new EscrowError(`passphrase file ${file} does not exist`);
  return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
}

/** Reads a secret key and unlocks it with the passphrase when it is protected. */
export async function readSecretKey(file: string, passphrase: string | undefined, what: string, setting: string): Promise<openpgp.PrivateKey> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: readArmored(file, what, setting) });
  } catch (e) {
    if (e instanceof EscrowError) throw e;
    throw new EscrowError(`${what} ${file} is not an armored OpenPGP secret key: ${(e as Error).message}`);
  }
  if (key.isDecrypted()) return key;
  if (passphrase === undefined) throw new EscrowError(`${what} ${file} is protected by a passphrase: give it in REGISTRY_ESCROW_SIGNING_KEY_PASSPHRASE or a passphrase file`);
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch (e) {
    throw new EscrowError(`${what} ${file}: the passphrase does not unlock it (${(e as Error).message})`);
  }
}

/** Reads a public key (a secret key file gives its public part). */
export async function readPublicKey(file: string, what: string, setting: string): Promise<openpgp.PublicKey> {
  try {
    const key = await openpgp.readKey({ armoredKey: readArmored(file, what, setting) });
    return key.toPublic();
  } catch (e) {
    if (e instanceof EscrowError) throw e;
    throw new EscrowError(`${what} ${file} is not an armored OpenPGP key: ${(e as Error).message}`);
  }
}

/** The keys a deposit needs, checked for what they must do: the agent's must encrypt, the registry's must sign. */
export async function loadDepositKeys(files: EscrowKeyFiles, env: NodeJS.ProcessEnv = process.env): Promise<DepositKeys> {
  const encryption = await readPublicKey(files.agentPublicKey, 'escrow agent public key', 'escrow.agentPublicKey or REGISTRY_ESCROW_AGENT_PUBLIC_KEY');
  try {
    await encryption.getEncryptionKey();
  } catch (e) {
    throw new EscrowError(`escrow agent public key ${files.agentPublicKey} cannot encrypt: ${(e as Error).message}`);
  }
  const passphrase = passphraseFrom(env.REGISTRY_ESCROW_SIGNING_KEY_PASSPHRASE, files.signingKeyPassphraseFile);
  const signing = await readSecretKey(files.signingKey, passphrase, 'escrow signing key', 'escrow.signingKey or REGISTRY_ESCROW_SIGNING_KEY');
  try {
    await signing.getSigningKey();
  } catch (e) {
    throw new EscrowError(`escrow signing key ${files.signingKey} cannot sign: ${(e as Error).message}`);
  }
  return { encryption, signing };
}

/** File names of the development key pairs, in the folder `registry escrow keys generate` writes to. */
export const DEV_KEY_FILES = {
  agentPublic: 'escrow-agent.pub.asc',
  agentSecret: 'escrow-agent.sec.asc',
  signingPublic: 'escrow-signing.pub.asc',
  signingSecret: 'escrow-signing.sec.asc',
} as const;

export type KeyType = 'curve25519' | 'rsa';

/**
 * Development key pairs: one standing for the escrow agent (deposits are encrypted to it, and `escrow verify`
 * opens them with its secret half) and the registry's signing pair. v4 keys, as GnuPG 2.2 and the escrow
 * agents read them: Curve25519 (EdDSA + ECDH, the default: quick to make) or RSA 3072. Files that exist are
 * kept; the secret keys are written readable by their owner only.
 */
export async function generateDevKeys(dir: string, type: KeyType, passphrase?: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const make = async (pub: string, sec: string, name: string, email: string, pass?: string) => {
    if (existsSync(join(dir, pub)) && existsSync(join(dir, sec))) return;
    const opts = type === 'rsa' ? ({ type: 'rsa', rsaBits: 3072 } as const) : ({ type: 'ecc', curve: 'curve25519Legacy' } as const);
    const k = await openpgp.generateKey({ ...opts, userIDs: [{ name, email }], format: 'armored', ...(pass ? { passphrase: pass } : {}) });
    writeFileSync(join(dir, sec), k.privateKey, { mode: 0o600 });
    writeFileSync(join(dir, pub), k.publicKey);
    written.push(join(dir, pub), join(dir, sec));
  };
  await make(DEV_KEY_FILES.agentPublic, DEV_KEY_FILES.agentSecret, 'Development escrow agent', 'escrow-agent@registry.invalid');
  await make(DEV_KEY_FILES.signingPublic, DEV_KEY_FILES.signingSecret, 'Development registry escrow signing key', 'escrow-signing@registry.invalid', passphrase);
  return written;
}
