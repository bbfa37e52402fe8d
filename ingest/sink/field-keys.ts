// Field keys ("pm25", "wind\ speed") as Point escapes them, computed by Point once per name and then
// reused. With the series key cached (series-keys.ts), a fields-only Point per reading was still
// the largest cost of serialising one: the Point, its fields object, the sorted key list and four
// intermediate strings, ~0.3 µs and ~700 bytes of garbage per reading of a SenML pack (measured).
// A number field is then `key=String(value)`, exactly what Point's floatField writes.
import { Point } from "@influxdata/influxdb-client";

const PREFIX = "m ";
const SUFFIX = "=0";

export class FieldKeys {
  private readonly keys = new Map<string, string>();

  /** `maxNames` bounds the memory: past it the cache starts again. */
  constructor(private readonly maxNames = 10_000) {}

  /** The escaped key of the field `name`. */
  key(name: string): string {
    let key = this.keys.get(name);
    if (key === undefined) {
      // With one field, no tags and no timestamp, Point's line is PREFIX + key + SUFFIX.
      const line = new Point("m").floatField(name, 0).toLineProtocol({ convertTime: () => undefined });
      if (!line?.startsWith(PREFIX) || !line.endsWith(SUFFIX)) throw new Error(`unexpected line from Point: ${line}`);
      key = line.slice(PREFIX.length, line.length - SUFFIX.length);
      if (this.keys.size >= this.maxNames) this.keys.clear();
      this.keys.set(name, key);
    }
    return key;
  }

  /**
   * The fields part of a line for number fields, as Point writes it: keys in sorted order, each
   * value as floatField stores it; a value that is not finite is refused with Point's own message.
   */
  numberFields(values: Readonly<Record<string, number>>): string {
    let names: string[] | undefined;
    let only: string | undefined;
    for (const name in values) {
      if (name === "") continue; // Point leaves out a field without a name
      if (only === undefined && names === undefined) only = name;
      else {
        names ??= [only as string];
        names.push(name);
      }
    }
    if (only === undefined) return "";
    if (names === undefined) return this.field(only, values[only] as number);
    sortNames(names);
    let fields = "";
    for (const name of names) fields += (fields === "" ? "" : ",") + this.field(name, values[name] as number);
    return fields;
  }

  private field(name: string, value: number): string {
    if (!Number.isFinite(value)) throw new Error(`invalid float value for field '${name}': ${value}`);
    return `${this.key(name)}=${String(value)}`;
  }
}

/**
 * Sorts field names in place as Array.prototype.sort() would (UTF-16 code units). A reading has a few
 * fields: insertion sort, since the built-in sort allocated ~600 bytes of work space per call (V8's
 * sampling heap profiler), for two names.
 */
function sortNames(names: string[]): void {
  if (names.length > 16) {
    names.sort();
    return;
  }
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    while (j >= 0 && (names[j] as string) > name) {
      names[j + 1] = names[j] as string;
      j--;
    }
    names[j + 1] = name;
  }
}
