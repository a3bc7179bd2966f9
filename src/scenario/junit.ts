// A JUnit XML report for `wsx run --junit FILE`: one testsuite, one testcase per scenario file, a failure
// element naming the failing step. GitHub Actions and GitLab read this shape.

import { maskSecrets } from '../text/mask.js';
import { reportText } from './report-text.js';
import type { FileResult } from './results.js';

// XML 1.0 §2.2: only TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF may appear, even escaped.
// With the u flag a lone surrogate is one code point outside these ranges, so it is caught too.
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Characters XML cannot carry at all become a visible `\u{1b}`, so nothing a server sends breaks the file. */
function visible(text: string): string {
  return text.replace(notXmlChar, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

/** Text for element content: &, < and > escaped (`]]>` then cannot close anything). */
export function xmlText(text: string): string {
  return visible(text).replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

/** Text for an attribute value in double quotes; TAB, LF and CR as references so parsers keep them. */
export function xmlAttr(text: string): string {
  const refs: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&apos;',
    '\t': '&#9;',
    '\n': '&#10;',
    '\r': '&#13;',
  };
  return visible(text).replace(/[&<>"'\t\n\r]/g, (ch) => refs[ch]!);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The report for `results`, in run order. Every `secrets` string (tokens from -H, --header-file, --*-env)
 * prints as ***, since reports are kept as CI artifacts. `suite` names the testsuite ("wsx run").
 */
export function junitReport(
  results: FileResult[],
  startedAt: Date,
  secrets: readonly string[] = [],
  suite = 'wsx run',
): string {
  const text = (s: string) => xmlText(maskSecrets(s, secrets));
  const attr = (s: string) => xmlAttr(maskSecrets(s, secrets));
  // Masked here (before the cut) and again by text(): masking is idempotent.
  const cut = (s: string) => reportText(s, secrets);
  const failures = results.filter((r) => !r.isOk).length;
  const totalMs = results.reduce((sum, r) => sum + r.ms, 0);
  const counts = `tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(totalMs)}"`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(suite)}" ${counts}>`,
    `  <testsuite name="${attr(suite)}" ${counts} timestamp="${startedAt.toISOString()}">`,
  ];
  for (const r of results) {
    out.push(
      `    <testcase name="${attr(r.file)}" classname="wsx.run" file="${attr(r.file)}" time="${seconds(r.ms)}">`,
    );
    if (r.failure) {
      const f = r.failure;
      const where = f.step.line > 0 ? `${r.file}:${f.step.line}` : r.file;
      const body = [
        `step: ${f.step.text}`,
        `line: ${f.step.line > 0 ? f.step.line : '(command line)'}`,
        `error: ${cut(f.message)}`,
        ...(f.lastSeen.length > 0 ? ['last messages:', ...f.lastSeen.map((m) => `  ${cut(m)}`)] : []),
      ].join('\n');
      out.push(
        `      <failure message="${attr(`${where}: ${f.step.text}: ${cut(f.message)}`)}" type="${r.code === 4 ? 'expectation' : `exit ${r.code}`}">${text(body)}</failure>`,
      );
    }
    const log = r.steps.flatMap((s) => [
      `${s.isOk ? 'passed' : 'FAILED'} ${s.step.line > 0 ? `line ${s.step.line}: ` : ''}${s.step.text} (${s.ms}ms)`,
      ...s.messages.map((m) => `  <- ${m.role}: ${cut(m.text)}`),
      ...(s.unlisted ? [`  … ${s.unlisted} more`] : []),
      ...(s.ignored ? [`  (${s.ignored} ignored)`] : []),
    ]);
    out.push(`      <system-out>${text(log.join('\n'))}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
