// `wsx run FILE...`: parse every scenario first (a mistake is FILE:LINE, exit 2, nothing sent), then run
// them one after another and exit with the first failure's code.

import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import { ExitCode, type ExitCodeValue, type Outcome } from '../outcome.js';
import type { Options } from '../options.js';
import { HumanReporter } from '../scenario/human-reporter.js';
import { JsonlReporter } from '../scenario/jsonl-reporter.js';
import { junitReport } from '../scenario/junit.js';
import { readScenario, ScenarioFileError, ScenarioSyntaxError } from '../scenario/parser.js';
import { describeIoError } from '../text/io-error.js';
import type { FileResult, Reporter } from '../scenario/results.js';
import { runScenario } from '../scenario/runner.js';
import type { Scenario } from '../scenario/steps.js';
import { maskSecrets } from '../text/mask.js';
import { sanitize } from '../text/sanitize.js';
import { watchWriteFailures } from './stdout-sink.js';
import { TranscriptWriter } from '../record/transcript-writer.js';

export interface RunRequest {
  files: string[];
  /** --url: supplies or overrides each file's `connect`. */
  url: string | undefined;
  /** --var NAME=VALUE. */
  vars: Map<string, string>;
  /** A step without `within` fails after this long, ms (--step-timeout). */
  stepTimeoutMs: number;
  /** --junit FILE. */
  junitPath: string | undefined;
  /** --jsonl: events on stdout instead of the human view. */
  isJsonl: boolean;
  /** --record FILE: every file's connection in one transcript, a session each. */
  recordFile?: string;
  /**
   * Validated connection settings for a URL (the cli's flags applied), with the file's `proto` and
   * `asyncapi` lines if it has them; throws a usage WsxError.
   */
  optionsFor(url: string, proto?: string, asyncapi?: string): Promise<Options>;
  env: NodeJS.ProcessEnv;
}

export interface RunIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/**
 * A folder given where a scenario file belongs (`wsx run examples/`): the error names the command that runs
 * the scenarios in it. Undefined for anything else; readScenario names that failure.
 */
function folderGiven(file: string): ScenarioSyntaxError | undefined {
  let count: number;
  try {
    if (!statSync(file).isDirectory()) return undefined;
    count = readdirSync(file).filter((name) => name.endsWith('.wsx')).length;
  } catch {
    return undefined;
  }
  const what =
    count === 0
      ? 'it holds none'
      : `to run the ${count} ${count === 1 ? 'scenario' : 'scenarios'} in it: wsx run ${file.replace(/\/+$/, '')}/*.wsx`;
  return new ScenarioSyntaxError(
    file,
    undefined,
    `is a directory: wsx run takes .wsx files${count === 0 ? ', and ' : '; '}${what}`,
  );
}

/** One scenario, parsed, with the validated options it runs with. */
interface Plan {
  scenario: Scenario;
  options: Options;
}

export async function runFiles(request: RunRequest, io: RunIo): Promise<Outcome> {
  const plans = await planAll(request, io);
  if (!Array.isArray(plans)) return plans;
  const stdoutFailure = watchWriteFailures(io.stdout);
  const secrets = [...new Set(plans.flatMap((p) => p.options.secrets))];
  const human = request.isJsonl
    ? undefined
    : new HumanReporter(
        io.stdout,
        new Chalk({ level: io.stdout.isTTY && !request.env.NO_COLOR ? 1 : 0 }),
        secrets,
      );
  const reporter: Reporter = human ?? new JsonlReporter(io.stdout, secrets);
  const startedAt = new Date();
  const { results, signal } = await runAll(plans, request, io, reporter, secrets);
  human?.summary();
  // The runner picks each file's code from the same ExitCode table (2, 3, 4, 5, 130, 143).
  const firstFailure = results.find((r) => !r.isOk)?.code as ExitCodeValue | undefined;
  if (request.junitPath !== undefined) {
    try {
      writeFileSync(request.junitPath, junitReport(results, startedAt, secrets));
    } catch (err) {
      const message = `--junit: ${describeIoError(err, request.junitPath, 'write')}`;
      return firstFailure === undefined
        ? { ended: 'local-error', message }
        : (io.stderr.write(`wsx: ${message}\n`), { ended: 'scenario-failed', code: firstFailure });
    }
  }
  // The report is the run's output: one that could not be written fails a run that passed, and is named
  // after a failing one (whose code still decides).
  const writeFailure = await stdoutFailure();
  if (writeFailure) {
    const message = `cannot write to stdout: ${writeFailure.code ?? writeFailure.message}`;
    if (firstFailure === undefined) return { ended: 'local-error', message, error: writeFailure };
    io.stderr.write(`wsx: ${message}\n`);
  }
  if (firstFailure !== undefined) return { ended: 'scenario-failed', code: firstFailure };
  const aborted: unknown = signal.reason;
  if (!signal.aborted) return { ended: 'completed' };
  return aborted === ExitCode.terminated ? { ended: 'terminated' } : { ended: 'interrupted' };
}

/** Every file parsed and its options validated before the first socket opens; a mistake is the Outcome. */
async function planAll(request: RunRequest, io: RunIo): Promise<Plan[] | Outcome> {
  const plans: Plan[] = [];
  try {
    for (const file of request.files) {
      const folder = folderGiven(file);
      if (folder) throw folder;
      const scenario = readScenario(file, { vars: request.vars.keys(), env: request.env });
      const url = request.url ?? scenario.url;
      if (url === undefined)
        throw new ScenarioSyntaxError(file, undefined, 'no URL: add a "connect URL" line or pass --url');
      const options = await request.optionsFor(url, scenario.proto, scenario.asyncapi);
      if (scenario.contractLine !== undefined && !options.contract)
        throw new ScenarioSyntaxError(
          file,
          scenario.contractLine,
          'valid/invalid needs an AsyncAPI document: add an "asyncapi FILE" line or pass --asyncapi FILE',
        );
      plans.push({ scenario, options });
    }
  } catch (err) {
    if (err instanceof ScenarioSyntaxError) {
      // A syntax error reads FILE:LINE: like a compiler's; a file that cannot be read is a `wsx:` line.
      const prefix = err instanceof ScenarioFileError ? 'wsx: ' : '';
      io.stderr.write(`${prefix}${sanitize(err.message)}\n`);
      return { ended: 'scenario-failed', code: ExitCode.usage };
    }
    throw err;
  }
  return plans;
}

/**
 * Runs the plans one after another until the last or a signal (SIGINT, SIGTERM: the signal's reason is the
 * exit code), each failure named on stderr as FILE:LINE; the transcript (--record) holds them all.
 */
async function runAll(
  plans: Plan[],
  request: RunRequest,
  io: RunIo,
  reporter: Reporter,
  secrets: string[],
): Promise<{ results: FileResult[]; signal: AbortSignal }> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(ExitCode.interrupted);
  const onSigterm = () => controller.abort(ExitCode.terminated);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const results: FileResult[] = [];
  let transcript: TranscriptWriter | undefined;
  try {
    if (request.recordFile !== undefined)
      transcript = new TranscriptWriter(request.recordFile, {
        displayUrl: plans[0]?.options.displayUrl ?? '',
        secrets,
        onWriteError: (message) => io.stderr.write(`wsx: ${sanitize(message)}\n`),
      });
    for (const { scenario, options } of plans) {
      if (controller.signal.aborted) break;
      const result = await runScenario(
        scenario,
        {
          connection: options.connection,
          ...(options.proto ? { proto: options.proto } : {}),
          ...(options.contract ? { contract: options.contract } : {}),
          vars: request.vars,
          env: request.env,
          stepTimeoutMs: request.stepTimeoutMs,
          signal: controller.signal,
          ...(transcript
            ? { observe: (conn) => transcript!.attach(conn, options.displayUrl, options.proto?.name) }
            : {}),
        },
        reporter,
      );
      results.push(result);
      if (!result.isOk) {
        const f = result.failure!;
        const at = f.step.line > 0 ? `${result.file}:${f.step.line}` : result.file;
        io.stderr.write(`wsx: ${sanitize(maskSecrets(`${at}: ${f.step.text}: ${f.message}`, secrets))}\n`);
      }
    }
  } finally {
    transcript?.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
  return { results, signal: controller.signal };
}
