// `wsx serve --asyncapi`: the server the document describes, as a mock. A client's path picks the channel;
// a valid message is answered with an example of its reply, an invalid one is refused with the reason.

import { channelsOf, pickChannel, type ContractRole } from './channel.js';
import { describeViolation } from './describe.js';
import { ContractProblem, parseDocument } from './document.js';
import { planChannel, type ChannelPlan, type ExampleMessage } from './plan.js';
import { documentAjv, MessageChecker } from './validate.js';

/** What the mock does with one message from a client. */
export type MockAnswer = { replies: string[]; message: string } | { invalid: string };

/** One channel of the mock, shared by the clients on it. */
export interface MockChannel {
  name: string;
  answer(text: string): MockAnswer;
  /** The next example of a message the server pushes on its own, in turn; undefined when it has none. */
  nextPush(): string | undefined;
}

export interface Mock {
  /** The channel for a client that asked for `path`, or why none fits (naming the document's channels). */
  channelFor(path: string): MockChannel | { problem: string };
}

/** Takes examples in turn, so a client that asks twice sees both of the document's examples. */
function rotation(messages: ExampleMessage[]): () => string | undefined {
  const examples = messages.flatMap((m) => m.examples);
  let next = 0;
  return () => (examples.length === 0 ? undefined : examples[next++ % examples.length]);
}

function channelOf(plan: ChannelPlan, checker: MessageChecker): MockChannel {
  const replies = new Map(plan.sends.map((s) => [s.name, s.replyExamples.map((r) => rotation([r]))]));
  // A message without a named reply is answered with the channel's own messages (2.x has no `reply`).
  const fallback = plan.pushed.length > 0 ? [rotation(plan.pushed)] : [];
  const nextPush = rotation(plan.pushed);
  return {
    name: plan.channel,
    answer: (text) => {
      const verdict = checker.check(text);
      if (!verdict.isValid)
        return { invalid: describeViolation('received', verdict).slice('received '.length) };
      const name = verdict.message!;
      const takers = replies.get(name);
      const chosen = takers && takers.length > 0 ? takers : fallback;
      return {
        message: name,
        replies: chosen.map((take) => take()).filter((t): t is string => t !== undefined),
      };
    },
    nextPush,
  };
}

/** The mock for a document, or the problem that stops `wsx serve` before it listens. */
export function loadMock(request: {
  file: string;
  text: string;
  role: ContractRole;
}): { mock: Mock } | { problem: string } {
  const say = (err: ContractProblem) =>
    `${request.file}: ${err.message}${err.pointer ? ` (at ${err.pointer})` : ''}`;
  try {
    const doc = parseDocument(request.text);
    const ajv = documentAjv(doc);
    // Every channel compiled now, so a schema ajv cannot compile stops serve before it listens.
    const channels = new Map<string, MockChannel>();
    for (const entry of channelsOf(doc)) {
      // The client's view: what it sends is what the mock (the server) receives.
      const choice = pickChannel(doc, 'ws://mock/', { channel: entry.name, role: request.role });
      const plan = planChannel(doc, { channel: entry.name, role: request.role });
      channels.set(entry.name, channelOf(plan, new MessageChecker(doc, ajv, choice.sends)));
    }
    const mock: Mock = {
      channelFor: (path) => {
        try {
          return channels.get(pickChannel(doc, `ws://mock${path}`, { role: request.role }).name)!;
        } catch (err) {
          if (!(err instanceof ContractProblem)) throw err;
          return { problem: err.message };
        }
      },
    };
    return { mock };
  } catch (err) {
    if (!(err instanceof ContractProblem)) throw err;
    return { problem: say(err) };
  }
}
