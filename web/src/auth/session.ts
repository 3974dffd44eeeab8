// The session token kept across reloads (localStorage), and where to go after signing in.

const KEY = "clustergenie.session";

/** The stored session or API token, or null. */
export function readToken(): string | null {
  try {
    return window.localStorage.getItem(KEY) || null;
  } catch {
    return null; // storage disabled: the session lasts as long as the tab
  }
}

/** Keeps `token` for the next load, or forgets it (null). */
export function storeToken(token: string | null) {
  try {
    if (token) window.localStorage.setItem(KEY, token);
    else window.localStorage.removeItem(KEY);
  } catch {
    // storage disabled: nothing to keep or forget
  }
}

/**
 * `next` if it is a path of this console, else "/": the login page's `?next=` must not send
 * a user to another site ("//evil.example", "https://…") or back to the login page.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next === "/login" || next.startsWith("/login?")) return "/";
  return next;
}

/** `/login?next=<where>` for the page at `where` (path and query). */
export function loginPath(where: string): string {
  const next = safeNext(where);
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}
