// Labels in Vietnamese (the default: the centre's operators) and English, from one JSON file per
// language; times always in Asia/Ho_Chi_Minh, 24-hour, whatever the browser's own time zone.
import en from "./locales/en.json";
import vi from "./locales/vi.json";

export type Language = "vi" | "en";
const catalogues: Record<Language, Record<string, string>> = { vi, en };

let language: Language = "vi";

export function setLanguage(next: Language): void {
  language = next;
  if (typeof document === "undefined") return; // unit tests
  document.documentElement.lang = next;
  for (const element of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n as string);
  }
  document.title = t("title");
}

export function currentLanguage(): Language {
  return language;
}

/** Whether the catalogues have `key`. */
export function has(key: string): boolean {
  return key in catalogues[language] || key in catalogues.vi;
}

/** The label for `key` in the current language, with `{name}` placeholders filled; the key itself if missing. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = catalogues[language][key] ?? catalogues.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ""));
}

const formats = new Map<Language, Intl.DateTimeFormat>();

/** `23/11/2026, 14:05:09` in Huế time (UTC+7), 24-hour. */
export function formatTime(iso: string | number): string {
  let format = formats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language === "vi" ? "vi-VN" : "en-GB", {
      timeZone: "Asia/Ho_Chi_Minh",
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(language, format);
  }
  return format.format(new Date(iso));
}

const numberFormats = new Map<Language, Intl.NumberFormat>();

/** `1,5` in Vietnamese, `1.5` in English; at most three decimals. */
export function formatNumber(value: number): string {
  let format = numberFormats.get(language);
  if (!format) {
    format = new Intl.NumberFormat(language === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 3 });
    numberFormats.set(language, format);
  }
  return format.format(value);
}
