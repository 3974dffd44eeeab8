// Shows a GraphQL or network error with its `extensions.code` and a human explanation.
import type { CombinedError } from "urql";

const EXPLANATIONS: Record<string, string> = {
  BAD_USER_INPUT: "Some input was not valid.",
  NOT_FOUND: "It does not exist (any more).",
  CONFLICT: "That conflicts with what exists already, e.g. the name is taken, or the object changed meanwhile.",
  FAILED_PRECONDITION: "That is not possible in the object's current state.",
  UNAUTHENTICATED: "You need to sign in (a valid bearer token).",
  FORBIDDEN: "You are not allowed to do that.",
  RATE_LIMITED: "Too many requests; try again shortly.",
  UNAVAILABLE: "The server cannot do that right now; try again shortly.",
  INTERNAL: "The server failed unexpectedly.",
  NETWORK: "The server could not be reached.",
};

export interface CodedError {
  code: string;
  message: string;
}

/** Flattens a urql error into (code, message) pairs. */
export function codedErrors(error: CombinedError): CodedError[] {
  if (error.networkError) {
    // A proxy or server may answer with a whole HTML page; keep the notice readable.
    const m = error.networkError.message;
    return [{ code: "NETWORK", message: m.length > 200 ? `${m.slice(0, 200)}…` : m }];
  }
  return error.graphQLErrors.map((e) => ({
    code: typeof e.extensions?.code === "string" ? e.extensions.code : "INTERNAL",
    message: e.message,
  }));
}

export function explain(code: string): string {
  return EXPLANATIONS[code] ?? "The request failed.";
}

export function ErrorNotice({
  error,
  hints,
}: {
  error: CombinedError | CodedError[] | undefined | null;
  /** Extra explanation for a code in this context. */
  hints?: Partial<Record<string, string>>;
}) {
  if (!error) return null;
  const errors = Array.isArray(error) ? error : codedErrors(error);
  if (errors.length === 0) return null;
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      {errors.map((e, i) => (
        <p key={i} className="break-words">
          <span className="mr-2 rounded bg-red-200 px-1.5 py-0.5 font-mono text-xs font-semibold" data-testid="error-code">
            {e.code}
          </span>
          <span className="font-medium">{hints?.[e.code] ?? explain(e.code)}</span>{" "}
          <span className="text-red-800">{e.message}</span>
        </p>
      ))}
    </div>
  );
}
