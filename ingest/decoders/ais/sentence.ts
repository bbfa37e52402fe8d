// One line of NMEA 0183 input → an AIS sentence (IEC 61162-1 §7, NMEA 4.10 tag blocks), or why not.
// Lines that are other NMEA sentences are "not AIS" (skipped without an error); anything else that is
// not a valid AIS sentence gets a reason.

export interface TagBlock {
  /** s: source station. */
  source?: string;
  /** c: Unix time of reception, seconds (some receivers send milliseconds). */
  unixTime?: number;
  /** g: sentence grouping, "n-total-id". */
  group?: string;
  [key: string]: string | number | undefined;
}

export interface AisSentence {
  talker: string;
  /** VDM (received by the station) or VDO (the station's own ship). */
  formatter: "VDM" | "VDO";
  fragmentCount: number;
  fragmentNumber: number;
  sequenceId: string;
  channel: string;
  payload: string;
  fillBits: number;
  tagBlock?: TagBlock;
  /** The tag block was present but its checksum did not match (the tag block is then not used). */
  tagBlockInvalid?: boolean;
}

export type AisSentenceError =
  | "not_nmea"
  | "sentence_too_long"
  | "tag_block_unterminated"
  | "checksum_missing"
  | "checksum_mismatch"
  | "field_count"
  | "fragment_invalid"
  | "fill_bits_invalid"
  | "payload_empty";

export type ParsedLine =
  | { kind: "blank" }
  | { kind: "not_ais" }
  | { kind: "sentence"; sentence: AisSentence }
  | { kind: "error"; reason: AisSentenceError; message: string };

/**
 * IEC 61162-1 caps a sentence at 82 characters, but receivers in the wild send single-sentence
 * binary messages well past that; like gpsd (NMEA_BIG_BUF = 2 × 91 + 1) the decoder accepts up to
 * 183 and rejects longer ones as noise. Metadata after the checksum (USCG) is not counted.
 */
export const MAX_SENTENCE_CHARS = 183;
const MAX_LINE_CHARS = 1024;

function xorChecksum(text: string, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum ^= text.charCodeAt(i);
  return sum;
}

function fail(reason: AisSentenceError, message: string): ParsedLine {
  return { kind: "error", reason, message };
}

function parseTagBlock(content: string): TagBlock {
  const tags: TagBlock = {};
  for (const pair of content.split(",")) {
    const colon = pair.indexOf(":");
    if (colon <= 0) continue;
    const key = pair.slice(0, colon);
    const value = pair.slice(colon + 1);
    if (key === "s") tags.source = value;
    else if (key === "c") {
      const n = Number(value);
      if (Number.isFinite(n)) tags.unixTime = n;
    } else if (key === "g") tags.group = value;
    else tags[key] = value;
  }
  return tags;
}

export function parseLine(raw: string): ParsedLine {
  const line = raw.trim();
  // Blank lines and # comments (log files carry them) are skipped silently.
  if (line === "" || line.startsWith("#")) return { kind: "blank" };
  if (line.length > MAX_LINE_CHARS) return fail("sentence_too_long", `line of ${line.length} characters`);
  let rest = line;
  let tagBlock: TagBlock | undefined;
  let tagBlockInvalid = false;
  if (rest.startsWith("\\")) {
    const end = rest.indexOf("\\", 1);
    if (end < 0) return fail("tag_block_unterminated", "a tag block starts with \\ but never ends");
    const content = rest.slice(1, end);
    const star = content.lastIndexOf("*");
    if (star < 0) return fail("tag_block_unterminated", "the tag block has no *hh checksum");
    const expected = Number.parseInt(content.slice(star + 1, star + 3), 16);
    if (expected === xorChecksum(content, 0, star)) tagBlock = parseTagBlock(content.slice(0, star));
    else tagBlockInvalid = true;
    rest = rest.slice(end + 1);
  }
  if (rest.startsWith("$")) return { kind: "not_ais" };
  if (!rest.startsWith("!")) {
    if (tagBlock || tagBlockInvalid || rest.includes("\\"))
      return fail("tag_block_unterminated", "a tag block is not followed by a sentence");
    return fail("not_nmea", "not an NMEA sentence");
  }
  const formatter = rest.slice(3, 6);
  if (formatter !== "VDM" && formatter !== "VDO") return { kind: "not_ais" };
  const star = rest.indexOf("*");
  if (star < 0) return fail("checksum_missing", "no *hh checksum");
  if (star + 3 > MAX_SENTENCE_CHARS) return fail("sentence_too_long", `sentence of ${star + 3} characters`);
  const expected = Number.parseInt(rest.slice(star + 1, star + 3), 16);
  const actual = xorChecksum(rest, 1, star);
  if (!Number.isFinite(expected) || !/^[0-9A-Fa-f]{2}$/.test(rest.slice(star + 1, star + 3)))
    return fail("checksum_missing", "the checksum is not two hex digits");
  if (expected !== actual) {
    return fail(
      "checksum_mismatch",
      `checksum ${rest.slice(star + 1, star + 3)} should be ${actual.toString(16).toUpperCase().padStart(2, "0")}`,
    );
  }
  const fields = rest.slice(1, star).split(",");
  if (fields.length !== 7) return fail("field_count", `${fields.length} fields; an AIS sentence has 7`);
  const [head, count, number, sequenceId, channel, payload, fill] = fields as [string, string, string, string, string, string, string];
  const fragmentCount = /^[1-9]$/.test(count) ? Number(count) : Number.NaN;
  const fragmentNumber = /^[1-9]$/.test(number) ? Number(number) : Number.NaN;
  if (!(fragmentCount >= 1) || !(fragmentNumber >= 1) || fragmentNumber > fragmentCount) {
    return fail("fragment_invalid", `fragment ${number} of ${count}`);
  }
  if (!/^[0-5]$/.test(fill)) return fail("fill_bits_invalid", `fill bits "${fill}" (0 to 5)`);
  if (payload === "") return fail("payload_empty", "the payload is empty");
  const sentence: AisSentence = {
    talker: head.slice(0, 2),
    formatter,
    fragmentCount,
    fragmentNumber,
    sequenceId,
    channel,
    payload,
    fillBits: Number(fill),
  };
  if (tagBlock) sentence.tagBlock = tagBlock;
  if (tagBlockInvalid) sentence.tagBlockInvalid = true;
  return { kind: "sentence", sentence };
}
