// aedes' message bus (mqemitter) delivers at most `concurrency` messages at once and keeps the rest
// in two arrays it shift()s from. V8's Array#shift moves every remaining element once it cannot trim
// the array in place, and after a group commit thousands of acknowledged publishes reach the bus in
// one turn: in the fan-in benchmark the bus's `released` spent 1.5 µs per message in shift() (4 % of
// the event loop; bare aedes, whose acknowledgements are never held back, 0.1 %). A double-ended
// queue (denque, as ioredis uses) takes from the front in constant time.
import Denque from "denque";

interface QueueingEmitter {
  _messageQueue?: unknown;
  _messageCallbacks?: unknown;
}

/**
 * Replaces the bus's waiting queues with deques; returns whether it did (false for a bus without
 * them, e.g. another mqemitter implementation, which is then left as it is). Call it before the
 * first message.
 */
export function useDequeForWaitingMessages(mq: object): boolean {
  const bus = mq as QueueingEmitter;
  const { _messageQueue: messages, _messageCallbacks: callbacks } = bus;
  if (!Array.isArray(messages) || !Array.isArray(callbacks) || messages.length > 0 || callbacks.length > 0) return false;
  bus._messageQueue = new Denque();
  bus._messageCallbacks = new Denque();
  return true;
}
