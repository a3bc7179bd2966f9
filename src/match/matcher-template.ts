// Filling `{{name}}` into a matcher when its step runs: `expect json params.targetId == "{{id}}"` compares
// against the value `capture id = …` took, not against the text {{id}}.

import {
  fillJsonText,
  shortJson,
  variablePattern,
  variablesIn,
  type Condition,
  type Matcher,
} from './matcher.js';

/** Every variable a matcher refers to, in order of appearance. */
export function matcherVariables(matcher: Matcher): string[] {
  return matcher.conditions.flatMap((c) =>
    'template' in c && c.template !== undefined ? variablesIn(c.template) : [],
  );
}

/** Regex text matching `value` literally: a captured id with a dot or a plus matches only itself. */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * `matcher` with its variables filled in by `resolve` (undefined: no such variable). In a regex a value
 * matches literally; in a JSON string it is string content; outside one it is read as JSON, or as a string
 * when it is not JSON (as --expect-json reads values). Returns the first missing variable, or what went
 * wrong (a `<` value that is not a number).
 */
export function fillMatcher(
  matcher: Matcher,
  resolve: (name: string) => string | undefined,
): { matcher: Matcher } | { missing: string } | { error: string } {
  const missing = matcherVariables(matcher).find((name) => resolve(name) === undefined);
  if (missing !== undefined) return { missing };
  if (matcherVariables(matcher).length === 0) return { matcher };
  const conditions: Condition[] = [];
  for (const c of matcher.conditions) {
    if (!('template' in c) || c.template === undefined) {
      conditions.push(c);
      continue;
    }
    const template = c.template;
    if (c.kind === 'regex' || c.op === '=~') {
      const body = template.replace(variablePattern, (_whole, name: string) => escapeRegex(resolve(name)!));
      let re: RegExp;
      try {
        re = new RegExp(body, c.re.flags);
      } catch (err) {
        return {
          error: `the regex /${body}/ is invalid after filling in variables: ${(err as Error).message}`,
        };
      }
      const shown = `/${body}/${c.re.flags}`;
      const { template: _t, ...rest } = c;
      conditions.push(
        c.kind === 'regex'
          ? { ...rest, re, label: shown }
          : { ...rest, re, label: `json ${c.pathText} =~ ${shown}` },
      );
      continue;
    }
    const filled = fillJsonText(template, resolve);
    let value: unknown;
    try {
      value = JSON.parse(filled) as unknown;
    } catch {
      // A bare {{name}} whose value is not JSON text compares as a string.
      if (!/^\{\{[^{}]*\}\}$/.test(template.trim()))
        return { error: `${filled} is not a JSON value after filling in variables` };
      value = filled;
    }
    if ((c.op === '<' || c.op === '>') && typeof value !== 'number')
      return { error: `json ${c.pathText} ${c.op} compares numbers, got ${shortJson(value, 60)}` };
    const { template: _t, ...rest } = c;
    conditions.push({
      ...rest,
      value,
      label: `json ${c.pathText} ${c.op} ${shortJson(value, 200)}`,
    });
  }
  return { matcher: { label: conditions.map((c) => c.label).join(' and '), conditions } };
}
