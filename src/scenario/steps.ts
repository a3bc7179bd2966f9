// The steps of a scenario, as the parser builds them and the runner runs them.

import type { JsonPath, Matcher } from '../match/matcher.js';
import type { ProtocolName } from '../protocols/codec.js';

interface At {
  /** 1-based line in the file (the first line of a multi-line step); 0 for steps built from flags. */
  line: number;
  /** The step as written, for output: `expect json type == "auth_ok" within 5s`. */
  text: string;
}

export type Step = At &
  (
    | { verb: 'connect'; url: string }
    | {
        verb: 'send';
        /** With {{name}} and {{env.NAME}} still in it; substituted when the step runs (so are a matcher's). */
        template: string;
        encoding: 'text' | 'hex' | 'base64';
      }
    | {
        verb: 'expect';
        matcher: Matcher;
        /** How many matching messages to wait for, from 1. */
        count: number;
        withinMs: number | undefined;
        /**
         * Start looking at the message the previous expect matched instead of after it, so one message can
         * satisfy consecutive expectations (--expect flags).
         */
        mayReuseLast?: boolean;
      }
    | {
        verb: 'expect-all';
        /** Met in any order: each message counts for the first of these still waiting that it matches. */
        items: { matcher: Matcher; count: number; line: number }[];
        withinMs: number | undefined;
      }
    | { verb: 'expect-no'; matcher: Matcher; withinMs: number | undefined }
    | {
        verb: 'capture';
        name: string;
        from: { kind: 'json'; path: JsonPath; pathText: string } | { kind: 'regex'; re: RegExp };
      }
    | { verb: 'ignore'; matcher: Matcher }
    | { verb: 'sleep'; ms: number }
    | { verb: 'ping' }
    | { verb: 'close'; code: number; reason: string }
    | { verb: 'expect-close'; code: number | undefined; withinMs: number | undefined }
  );

export type Verb = Step['verb'];

export interface Scenario {
  /** As given on the command line. */
  file: string;
  /** From the file's `connect` line, if it has one. */
  url: string | undefined;
  /** The line of that `connect`. */
  connectLine: number | undefined;
  /** From the file's `proto NAME` line: the protocol spoken over WebSocket (--proto wins). */
  proto?: ProtocolName;
  /** From the file's `asyncapi FILE` line, resolved against the file's folder (--asyncapi wins). */
  asyncapi?: string;
  /** The first step that reads a contract verdict (`expect valid NAME`, `invalid`): it needs a document. */
  contractLine?: number;
  steps: Step[];
}
