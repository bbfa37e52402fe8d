// A streaming AIS decoder: lines in (from MQTT payloads, serial ports or files), messages and errors
// out. It reassembles multi-sentence messages per talker, channel and sequence id, with a timeout
// and a bounded number of messages in progress, and merges type 24 parts A and B of one MMSI into
// one message as gpsd does.
import type { AisErrorReason } from "./ais-errors.js";
import { type AisDecodeResult, type AisFields, decodeMessage } from "./message-types.js";
import { type AisSentence, type TagBlock, parseLine } from "./sentence.js";
import { SixBitPayload } from "./six-bit.js";

export interface DecodedAis {
  message: AisFields;
  /** Line number (1-based) of the sentence that completed the message. */
  line: number;
  talker: string;
  /** !xxVDO: the receiving station's own ship. */
  own: boolean;
  channel: string;
  tagBlock?: TagBlock;
}

export interface AisError {
  line: number;
  reason: AisErrorReason;
  message: string;
}

export interface AisStreamOptions {
  /** A multi-sentence message not completed within this time is discarded (ms, by the caller's clock). */
  fragmentTimeoutMs?: number;
  /** Messages in progress at once; the oldest is discarded beyond this. */
  maxPending?: number;
}

interface Pending {
  count: number;
  next: number;
  payload: string;
  lines: number[];
  startedAt: number;
  tagBlock?: TagBlock;
}

const PARTLY_DECODED = new Set([6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 20, 22, 23, 25, 26]);
/** gpsd keeps the last few part-A names to pair with part B (MAX_TYPE24_INTERLEAVE). */
const TYPE24_QUEUE = 8;
/** A line may hold several sentences run together; each starts with !xxVDM or !xxVDO (a tag block stays with its sentence). */
const GLUED = /(?<!\\)(?=!\w{2}VD[MO],)/;

export class AisStreamDecoder {
  private readonly pending = new Map<string, Pending>();
  private readonly partA = new Map<number, string>();
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  /** Messages decoded and errors seen, by type and reason: for metrics and the CLI summary. */
  readonly counts = { messages: new Map<number, number>(), errors: new Map<string, number>() };

  constructor(options: AisStreamOptions = {}) {
    this.timeoutMs = options.fragmentTimeoutMs ?? 60_000;
    this.maxPending = options.maxPending ?? 1000;
  }

  /** Feeds one line; returns what it completed. */
  push(text: string, line: number, nowMs: number): { messages: DecodedAis[]; errors: AisError[] } {
    const messages: DecodedAis[] = [];
    const errors: AisError[] = [];
    this.expire(nowMs, errors);
    if (text.trimStart().startsWith("#")) return { messages, errors }; // a comment, even one quoting a sentence
    const parts = text.length > 1 && text.indexOf("!", 1) > 0 ? text.split(GLUED) : [text];
    for (const part of parts) {
      const parsed = parseLine(part);
      if (parsed.kind === "blank" || parsed.kind === "not_ais") continue;
      if (parsed.kind === "error") {
        errors.push({ line, reason: parsed.reason, message: parsed.message });
        continue;
      }
      const sentence = parsed.sentence;
      if (sentence.tagBlockInvalid)
        errors.push({ line, reason: "tag_block_checksum", message: "tag block checksum mismatch; the tag block is ignored" });
      this.assemble(sentence, line, nowMs, messages, errors);
    }
    for (const m of messages)
      this.counts.messages.set(m.message.type as number, (this.counts.messages.get(m.message.type as number) ?? 0) + 1);
    for (const e of errors) this.counts.errors.set(e.reason, (this.counts.errors.get(e.reason) ?? 0) + 1);
    return { messages, errors };
  }

  /** End of input: messages still in progress are reported incomplete. */
  end(): AisError[] {
    const errors: AisError[] = [];
    for (const [key, p] of this.pending)
      this.discard(key, p, "multipart_incomplete", "the message's other fragments never arrived", errors);
    for (const e of errors) this.counts.errors.set(e.reason, (this.counts.errors.get(e.reason) ?? 0) + 1);
    return errors;
  }

  private discard(key: string, p: Pending, reason: AisErrorReason, message: string, errors: AisError[]): void {
    this.pending.delete(key);
    for (const line of p.lines) errors.push({ line, reason, message });
  }

  private expire(nowMs: number, errors: AisError[]): void {
    for (const [key, p] of this.pending) {
      if (nowMs - p.startedAt <= this.timeoutMs) break;
      this.discard(key, p, "multipart_timeout", `fragments not completed within ${this.timeoutMs} ms`, errors);
    }
  }

  private assemble(s: AisSentence, line: number, nowMs: number, messages: DecodedAis[], errors: AisError[]): void {
    if (s.fragmentCount === 1) {
      this.finish(s, s.payload, s.fillBits, line, s.tagBlock, messages, errors);
      return;
    }
    const key = `${s.talker}:${s.channel}:${s.sequenceId}`;
    const current = this.pending.get(key);
    if (s.fragmentNumber === 1) {
      if (current) this.discard(key, current, "multipart_incomplete", "a new message started before this one was complete", errors);
      if (this.pending.size >= this.maxPending) {
        const [oldKey, oldest] = this.pending.entries().next().value as [string, Pending];
        this.discard(oldKey, oldest, "multipart_overflow", `more than ${this.maxPending} messages in progress`, errors);
      }
      this.pending.set(key, { count: s.fragmentCount, next: 2, payload: s.payload, lines: [line], startedAt: nowMs, tagBlock: s.tagBlock });
      return;
    }
    if (!current) {
      errors.push({
        line,
        reason: "multipart_orphan",
        message: `fragment ${s.fragmentNumber} of ${s.fragmentCount} without its first fragment`,
      });
      return;
    }
    if (current.count !== s.fragmentCount) {
      current.lines.push(line);
      this.discard(key, current, "multipart_inconsistent", `fragment counts disagree (${current.count} and ${s.fragmentCount})`, errors);
      return;
    }
    if (current.next !== s.fragmentNumber) {
      current.lines.push(line);
      this.discard(
        key,
        current,
        "multipart_out_of_order",
        `fragment ${s.fragmentNumber} arrived when ${current.next} was expected`,
        errors,
      );
      return;
    }
    current.payload += s.payload;
    current.lines.push(line);
    current.next++;
    if (s.fragmentNumber === s.fragmentCount) {
      this.pending.delete(key);
      this.finish(s, current.payload, s.fillBits, line, current.tagBlock ?? s.tagBlock, messages, errors);
    }
  }

  private finish(
    s: AisSentence,
    payload: string,
    fillBits: number,
    line: number,
    tagBlock: TagBlock | undefined,
    messages: DecodedAis[],
    errors: AisError[],
  ): void {
    const bits = SixBitPayload.fromArmoured(payload, fillBits);
    if (!bits) {
      errors.push({ line, reason: "payload_armour_invalid", message: "the payload has a character outside the AIS 6-bit armouring" });
      return;
    }
    const decoded: AisDecodeResult = decodeMessage(bits);
    if (!decoded.ok) {
      errors.push({ line, reason: decoded.reason, message: decoded.message });
      return;
    }
    let message = decoded.message;
    // Types decoded only in part (binary and data-link messages) keep their payload, so nothing is lost.
    if (PARTLY_DECODED.has(message.type as number)) message.raw = `${payload},${fillBits}`;
    if (decoded.part24 === "A") {
      // Held until part B of the same MMSI arrives (gpsd's default: one merged report).
      this.partA.delete(message.mmsi as number);
      this.partA.set(message.mmsi as number, message.shipname as string);
      if (this.partA.size > TYPE24_QUEUE) this.partA.delete(this.partA.keys().next().value as number);
      return;
    }
    if (decoded.part24 === "B") {
      const name = this.partA.get(message.mmsi as number);
      if (name === undefined) return;
      this.partA.delete(message.mmsi as number);
      const { type, repeat, mmsi, ...rest } = message;
      message = { type, repeat, mmsi, shipname: name, ...rest } as AisFields;
    }
    const out: DecodedAis = { message, line, talker: s.talker, own: s.formatter === "VDO", channel: s.channel };
    if (tagBlock) out.tagBlock = tagBlock;
    messages.push(out);
  }
}
