// Client-side checks mirroring the server's rules, for immediate feedback; the server
// still decides (and its error is shown if it disagrees).

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `name` is not a DNS label, or null. */
export function nameProblem(name: string): string | null {
  if (!name) return "A name is required.";
  if (name.length > 63) return "At most 63 characters.";
  if (!DNS_LABEL.test(name)) return "Lower-case letters, digits and '-', starting and ending with a letter or digit.";
  return null;
}

/** Parses `key=value, key2=value2`; returns the labels or a problem. */
export function parseLabels(text: string): { labels: { key: string; value: string }[] } | { problem: string } {
  const labels: { key: string; value: string }[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0) return { problem: `"${part}" is not key=value.` };
    labels.push({ key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
  }
  return { labels };
}
