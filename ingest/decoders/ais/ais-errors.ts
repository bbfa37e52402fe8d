// Why a line of AIS input produced no message: the closed set the AIS decoder reports (the CLI's
// stderr, and the ingest rejections once AIS comes in over MQTT), documented in docs/errors.md.
export const aisErrorReasons = {
  not_nmea: "The line is not an NMEA sentence (and not blank, a # comment or another NMEA sentence, which are skipped).",
  sentence_too_long: "Longer than 183 characters (gpsd's limit; IEC 61162-1 says 82), or a line over 1,024 characters.",
  tag_block_unterminated: "A tag block (\\\\…*hh\\\\) that does not end; it is ignored.",
  tag_block_checksum: "The tag block's checksum does not match; the tag block is ignored, the sentence still decodes.",
  checksum_missing: "No *hh checksum after the sentence.",
  checksum_mismatch: "The checksum does not match the sentence.",
  field_count: "An AIS sentence has 7 comma-separated fields.",
  fragment_invalid: "Fragment count or number is not 1–9, or the number is above the count.",
  fill_bits_invalid: "Fill bits are not a digit from 0 to 5.",
  payload_empty: "The payload field is empty.",
  payload_armour_invalid: "A payload character is outside the AIS 6-bit armouring.",
  multipart_orphan: "A later fragment arrived without its first fragment.",
  multipart_out_of_order: "Fragments arrived out of order; the message is discarded.",
  multipart_inconsistent: "Fragments of one sequence disagree on the fragment count; the message is discarded.",
  multipart_incomplete: "A multi-sentence message never completed (a new one started, or the input ended).",
  multipart_timeout: "A multi-sentence message did not complete within the fragment timeout.",
  multipart_overflow: "Too many multi-sentence messages in progress at once; the oldest was discarded.",
  message_type_unsupported: "Message type 0 or above 27: not an AIS message.",
  message_too_short: "Fewer bits than the message type needs (gpsd 3.22's minimum lengths).",
  message_length_invalid: "More bits than the message type allows, or a type 24 part number other than A or B.",
} as const;

export type AisErrorReason = keyof typeof aisErrorReasons;
