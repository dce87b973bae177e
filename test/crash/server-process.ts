import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/ote/environment.js';

export const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');

/** A registry server running as a child process (`registry -c <config> serve`), the way an operator runs it. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** What the server logged at start about its database, read back from SQLite (or PostgreSQL) itself. */
  database: { journalMode: string; sqliteSynchronous: string; durability: string; synchronousCommit?: string };
  /** The HTTP registrar API's port, once it listens (when the configuration enables it). */
  httpPort: Promise<number>;
  /** The tail of the server's output (for failure messages). */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment for a child: the parent's without REGISTRY_* variables, so only the config file counts. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
}

/** Starts `registry -c configFile serve` and waits until it listens for EPP. */
export function startServer(configFile: string, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, '-c', configFile, 'serve'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let pending = '';
  let database: ServerProcess['database'] | undefined;
  let httpListening: (port: number) => void = () => {};
  const httpPort = new Promise<number>((resolve) => (httpListening = resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${startTimeoutMs} ms:\n${tail}`));
    }, startTimeoutMs);
    const onData = (d: Buffer) => {
      const text = d.toString();
      tail = (tail + text).slice(-8000);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (typeof entry.journalMode === 'string') database = { journalMode: entry.journalMode, sqliteSynchronous: String(entry.sqliteSynchronous), durability: String(entry.durability) };
        if (entry.store === 'postgres') database = { journalMode: '', sqliteSynchronous: '', durability: String(entry.durability), synchronousCommit: String(entry.synchronousCommit) };
        if (typeof entry.msg === 'string' && entry.msg.startsWith('HTTP registrar API listening') && typeof entry.port === 'number') httpListening(entry.port);
        if (typeof entry.msg === 'string' && entry.msg.startsWith('EPP server listening') && typeof entry.port === 'number') {
          clearTimeout(timer);
          if (!database) reject(new Error(`the server did not log its database settings:\n${tail}`));
          else resolve({ child, port: entry.port, database, httpPort, output: () => tail, exited });
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-8000)));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited during start (code ${code}, signal ${signal}):\n${tail}`));
    });
  });
}

/** kill -9: no shutdown handler runs, nothing is flushed or closed by the process. */
export async function killHard(s: ServerProcess): Promise<void> {
  s.child.kill('SIGKILL');
  await s.exited;
}
