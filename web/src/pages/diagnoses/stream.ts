// The model's streamed answer, put back together from the DIAGNOSE job's progress. While the
// model writes, each progress message of the `explain` stage is the *tail* of its text so far
// (the last 300 bytes), so consecutive messages overlap; appending what is new in each one
// rebuilds the text. When updates were missed and two tails do not overlap, a gap marker
// says so rather than gluing unrelated text together.

/** The stage whose messages carry the model's text. */
export const EXPLAIN_STAGE = "explain";

/** Marks text that was not seen (missed progress updates). */
export const GAP = " … ";

/** `text` extended by the tail `message`: what of `message` it does not end with already. */
export function accumulate(text: string, message: string): string {
  if (!message) return text;
  if (!text) return message;
  if (text.endsWith(message)) return text;
  // The longest end of `text` that `message` starts with.
  for (let k = Math.min(text.length, message.length - 1); k > 0; k--) {
    if (text.endsWith(message.slice(0, k))) return text + message.slice(k);
  }
  return text + GAP + message;
}

/** A progress update as the job's timeline and its live state give it. */
export interface Progress {
  stage: string;
  message: string;
}

/** The stage's own message before any text arrives: "asking openai:gpt-4o-mini". */
const ANNOUNCEMENT = /^asking \S+$/;

/**
 * The model's text from the job's progress, oldest first: the `explain` stage's messages but
 * the one that only names the backend asked.
 */
export function streamedText(updates: readonly Progress[], from = ""): string {
  let text = from;
  for (const u of updates) {
    if (u.stage !== EXPLAIN_STAGE || !u.message || ANNOUNCEMENT.test(u.message)) continue;
    text = accumulate(text, u.message);
  }
  return text;
}

/**
 * The text after one more update of the job (`jobProgress`): its message appended to what
 * was seen so far. The job's timeline keeps only some of its messages, so a page opened
 * mid-stream starts from whatever the timeline has.
 */
export function withUpdate(text: string, job: Progress & { timeline: readonly Progress[] }): string {
  return streamedText([job], text || streamedText(job.timeline));
}
