// aedes matches every message's topic against the subscriptions twice — on its in-memory bus
// (mqemitter's Qlobber: which connected clients get it) and in its in-memory persistence (which
// offline sessions keep it) — each time splitting the topic into words and walking a trie: ~4 % of
// the main thread in the fan-in. Devices publish to the same few topics over and over, and
// subscriptions change seldom: the matches are remembered per topic until a subscription changes.

interface Matcher {
  match(topic: string): unknown;
  add(...args: unknown[]): unknown;
  remove(...args: unknown[]): unknown;
  clear?(): unknown;
}

interface OfflineSubscriptions {
  subscriptionsByTopic(topic: string): Promise<unknown>;
  addSubscriptions(...args: unknown[]): Promise<unknown>;
  removeSubscriptions(...args: unknown[]): Promise<unknown>;
  cleanSubscriptions(...args: unknown[]): Promise<unknown>;
}

/** Topics remembered at most; past it the cache starts again (a flood of one-off topics costs no memory). */
const MAX_TOPICS = 10_000;

/** A lookup per topic, remembered in `cache` (at most MAX_TOPICS of them). */
function rememberedPerTopic<T>(cache: Map<string, T>, lookup: (topic: string) => T): (topic: string) => T {
  return (topic) => {
    let found = cache.get(topic);
    if (found === undefined) {
      found = lookup(topic);
      if (cache.size >= MAX_TOPICS) cache.clear();
      cache.set(topic, found);
    }
    return found;
  };
}

/**
 * Remembers a Qlobber's matches per topic, forgotten at every add, remove or clear. The remembered
 * array is handed out again: callers read it (mqemitter iterates it), none changes it.
 */
export function cacheMatches(matcher: Matcher): boolean {
  if (typeof matcher.match !== "function" || typeof matcher.add !== "function" || typeof matcher.remove !== "function") return false;
  const cache = new Map<string, unknown>();
  matcher.match = rememberedPerTopic(cache, matcher.match.bind(matcher));
  for (const change of ["add", "remove", "clear"] as const) {
    const original = matcher[change];
    if (typeof original !== "function") continue;
    matcher[change] = (...args: unknown[]) => {
      cache.clear();
      return original.apply(matcher, args);
    };
  }
  return true;
}

/**
 * The same for the in-memory persistence's offline subscriptions (its trie is private): its answer
 * per topic is remembered, forgotten when a subscription is added, removed or cleaned — as the
 * change starts and again once it is done, so no answer read in between outlives it.
 */
export function cacheOfflineSubscriptions(persistence: OfflineSubscriptions): boolean {
  if (typeof persistence.subscriptionsByTopic !== "function") return false;
  const cache = new Map<string, Promise<unknown>>();
  const byTopic = persistence.subscriptionsByTopic.bind(persistence);
  persistence.subscriptionsByTopic = rememberedPerTopic(cache, (topic) => {
    const found = byTopic(topic);
    found.catch(() => cache.delete(topic)); // a failed lookup is not remembered
    return found;
  });
  for (const change of ["addSubscriptions", "removeSubscriptions", "cleanSubscriptions"] as const) {
    const original = persistence[change];
    if (typeof original !== "function") continue;
    persistence[change] = (...args: unknown[]) => {
      cache.clear();
      const done = original.apply(persistence, args);
      return done.finally(() => cache.clear());
    };
  }
  return true;
}
