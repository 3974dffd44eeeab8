// Shows a GraphQL or network error as a plain sentence; the `extensions.code` and the
// server's own message stay one click away ("Details").
import type { CombinedError } from "urql";

const EXPLANATIONS: Record<string, string> = {
  BAD_USER_INPUT: "Some input was not valid.",
  NOT_FOUND: "It does not exist (any more).",
  CONFLICT: "That conflicts with something that exists already, or the object changed meanwhile.",
  FAILED_PRECONDITION: "That is not possible in the object's current state.",
  UNAUTHENTICATED: "You need to sign in.",
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

/** Sentences shown for a code in one context, e.g. `{ CONFLICT: "That name is taken." }`. */
export type Hints = Partial<Record<string, string>>;

/** The errors of `error` whose code one of the form's fields is responsible for, and the rest. */
export function splitByField<F extends string>(
  error: CombinedError | undefined | null,
  fields: Partial<Record<string, F>>,
): { byField: Partial<Record<F, CodedError>>; rest: CodedError[] } {
  const byField: Partial<Record<F, CodedError>> = {};
  const rest: CodedError[] = [];
  for (const e of error ? codedErrors(error) : []) {
    const f = fields[e.code];
    if (f && !byField[f]) byField[f] = e;
    else rest.push(e);
  }
  return { byField, rest };
}

/** The code and the server's message, behind a disclosure. */
export function ErrorDetails({ error }: { error: CodedError }) {
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer select-none text-red-800 underline-offset-2 hover:underline">Details</summary>
      <p className="mt-1 break-words">
        <code className="mr-2 rounded bg-red-100 px-1.5 py-0.5 font-semibold" data-testid="error-code">
          {error.code}
        </code>
        <span className="text-red-800">{error.message}</span>
      </p>
    </details>
  );
}

export function ErrorNotice({
  error,
  hints,
  verbatim = false,
}: {
  error: CombinedError | CodedError[] | undefined | null;
  /** The sentence to show for a code in this context. */
  hints?: Hints;
  /** The server's own message is the sentence (where it names the field and the rule). */
  verbatim?: boolean;
}) {
  if (!error) return null;
  const errors = Array.isArray(error) ? error : codedErrors(error);
  if (errors.length === 0) return null;
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      {errors.map((e, i) => (
        <div key={i} className="break-words">
          <p className="font-medium">{hints?.[e.code] ?? (verbatim ? e.message : explain(e.code))}</p>
          <ErrorDetails error={e} />
        </div>
      ))}
    </div>
  );
}
