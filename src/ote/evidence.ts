import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StepRecord, RunResult } from './runner.js';

/** authInfo and passwords never reach an archive: every <...:pw>, <pw> and <newPW> is masked. */
export function maskSecrets(xml: string): string {
  return xml.replace(/<((?:[\w-]+:)?(?:pw|newPW))(\s[^>]*)?>[^<]*<\/\1>/g, '<$1$2>********</$1>');
}

function cell(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function evidenceMarkdown(run: RunResult): string {
  const lines: string[] = [];
  const passed = run.steps.filter((s) => s.ok).length;
  lines.push(`# OT&E evidence: ${run.script.title}`, '');
  lines.push(`- Script: \`${run.script.script}\` (${run.script.source}), TLD \`${run.script.tld}\``);
  lines.push(`- Server: ${run.server}`);
  lines.push(`- Started: ${run.startedAt}`, `- Finished: ${run.finishedAt}`);
  lines.push(`- Result: **${run.passed ? 'PASSED' : 'FAILED'}** (${passed} of ${run.script.steps.length} steps passed${run.steps.length < run.script.steps.length ? `, stopped after ${run.steps.length}` : ''})`);
  if (run.failure) {
    const f = run.failure;
    lines.push('', '## Failed operation', '');
    lines.push(`- Execution time: ${f.startedAt}`, `- Operation type: ${f.command}`, `- Data used: ${f.data}`);
    lines.push(`- Result code: ${f.code ?? 'none'}`, `- Expected result code: ${f.expected ?? 'none'}`, `- Problems: ${f.problems.join('; ')}`);
  }
  lines.push('', '## Summary', '', '| step | time | account | operation | object | expected | actual | ms | result |', '|---|---|---|---|---|---|---|---|---|');
  for (const s of run.steps) {
    lines.push(`| ${cell(s.id)} | ${cell(s.startedAt)} | ${cell(s.as)} | ${cell(s.command)} | ${cell(s.object)} | ${cell(s.expected)} | ${cell(s.code)} | ${s.durationMs} | ${s.ok ? 'OK' : 'FAIL'} |`);
  }
  lines.push('', '## Steps', '');
  for (const s of run.steps) lines.push(...stepSection(s));
  lines.push('## Decisions taken by the script', '');
  for (const d of run.script.decisions) lines.push(`- ${d}`);
  lines.push('');
  return lines.join('\n');
}

function stepSection(s: StepRecord): string[] {
  const out = [`### ${s.id} ${s.title}`, ''];
  out.push(`- Time: ${s.startedAt}`, `- Account: ${s.as}`, `- Operation: ${s.command}`, `- Data used: ${s.data}`);
  out.push(`- clTRID: ${s.clTRID ?? ''}`, `- svTRID: ${s.svTRID ?? ''}`, `- Result code: ${s.code ?? ''} (expected ${s.expected ?? 'greeting'})`);
  out.push(`- Duration: ${s.durationMs} ms`, `- Result: ${s.ok ? 'OK' : `FAIL: ${s.problems.join('; ')}`}`, '');
  if (s.request) out.push('Request:', '', '```xml', maskSecrets(s.request).trim(), '```', '');
  if (s.response) out.push('Response:', '', '```xml', maskSecrets(s.response).trim(), '```', '');
  return out;
}

/** Writes `<base>.md`, `<base>.md.sha256` and `<base>.json`; returns the paths and the archive's SHA-256. */
/** Named by the script and the run's start, so an earlier run's archive is never overwritten. */
export function writeEvidence(run: RunResult, dir: string, base = `ote-${run.script.script}-${run.startedAt.replace(/[:.]/g, '-')}`): { markdown: string; sha256: string; json: string; shaFile: string } {
  mkdirSync(dir, { recursive: true });
  const md = evidenceMarkdown(run);
  const markdown = join(dir, `${base}.md`);
  writeFileSync(markdown, md);
  const sha256 = createHash('sha256').update(md).digest('hex');
  const shaFile = `${markdown}.sha256`;
  writeFileSync(shaFile, `${sha256}  ${base}.md\n`);
  const json = join(dir, `${base}.json`);
  const masked = { ...run, steps: run.steps.map((s) => ({ ...s, request: s.request && maskSecrets(s.request), response: s.response && maskSecrets(s.response) })) };
  writeFileSync(json, JSON.stringify({ ...masked, archive: { file: `${base}.md`, sha256 } }, (k, v) => (k === 'authInfo' || k === 'password' ? '********' : v), 2));
  return { markdown, sha256, json, shaFile };
}
