// Why a NAF record was refused (the message of a `naf_record_invalid` rejection starts with one of
// these), after shared/notes/naf.md §6. Documented in docs/errors.md.
export const nafErrorReasons = {
  naf_framing: "The record does not start with //SR// or has no //ER.",
  naf_field_syntax: "A field has no CODE/value form (e.g. //TI1233//), or an empty code.",
  naf_field_duplicate: "A field code appears twice with different values.",
  naf_type_unsupported: "TM is missing, or not a position type (POS, MAN, ENT, EXI).",
  naf_identity_missing: "No vessel identifier: none of XR, IR, RC, IM or ID.",
  naf_position_invalid:
    "Latitude/longitude missing, not a number, out of range, malformed LA/LO, or LA/LO and LT/LG disagree by more than 1′.",
  naf_time_invalid: "DA or TI missing, or not a calendar date (YYYYMMDD or YYMMDD) and a UTC time (HHMM).",
  naf_speed_invalid: "SP is not a whole number of tenths of a knot.",
  naf_course_invalid: "CO is not a number from 0 to 360.",
} as const;

export type NafErrorReason = keyof typeof nafErrorReasons;
