import type { Message } from './messages/message.js';

/**
 * The in-process fast path for many messages at a time. A message stream (what `read`
 * returns, what `write` takes) may also carry a method under this symbol that hands out the
 * same messages as arrays, in the same order. A consumer that knows the symbol takes the
 * arrays and saves an await per message (a million records pay ~0.8 s of async hops one at a
 * time); any other consumer iterates message by message as always. A stream is read one way
 * or the other, never both. The wire protocol is unchanged: one message a line.
 */
export const MESSAGE_BATCHES: unique symbol = Symbol.for('tributary.message-batches');

/** A message stream that can also be read as arrays of messages. */
export interface BatchedMessages extends AsyncIterable<Message> {
  [MESSAGE_BATCHES](): AsyncIterator<Message[]>;
}

/** True when the stream offers its messages as arrays. */
export function hasMessageBatches(stream: AsyncIterable<Message>): stream is BatchedMessages {
  return typeof (stream as Partial<BatchedMessages>)[MESSAGE_BATCHES] === 'function';
}

/**
 * The stream's messages as arrays: its own arrays when it offers them, else one array per
 * message, so a consumer written for arrays takes any stream.
 */
export function messageBatches(stream: AsyncIterable<Message>): AsyncIterable<Message[]> {
  if (hasMessageBatches(stream)) return { [Symbol.asyncIterator]: () => stream[MESSAGE_BATCHES]() };
  return (async function* () {
    for await (const message of stream) yield [message];
  })();
}
