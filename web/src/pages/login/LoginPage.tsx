// Signing in: user name and password for a session token. A wrong name or password, too many
// attempts (with the wait the server asks for, counted down) and other failures each read
// as a plain sentence; afterwards the user goes back to where they were (`?next=`).
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { useMutation, type CombinedError } from "urql";
import { LoginMutation } from "../../auth/operations";
import { useAuth } from "../../auth/AuthContext";
import { safeNext } from "../../auth/session";
import { Field } from "../../components/Field";
import { ErrorNotice, codedErrors } from "../../components/ErrorNotice";
import { useTitle } from "../../components/Status";

/** Seconds the server asks to wait before the next attempt, if it refused for that. */
export function retryAfter(error: CombinedError | undefined): number | null {
  const limited = error?.graphQLErrors.find((e) => e.extensions?.code === "RATE_LIMITED");
  if (!limited) return null;
  const seconds = Number(limited.extensions?.retryAfterSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1;
}

/** Counts `seconds` down to 0, once a second; restarts when `seconds` changes. */
function useCountdown(seconds: number | null, key: unknown): number {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!seconds) return setLeft(0);
    const until = Date.now() + seconds * 1000;
    setLeft(seconds);
    const timer = setInterval(() => {
      const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(s);
      if (s === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [seconds, key]);
  return left;
}

export function LoginPage() {
  useTitle("Sign in");
  const auth = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [result, login] = useMutation(LoginMutation);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const wait = useCountdown(retryAfter(error), error);
  const codes = error ? codedErrors(error).map((e) => e.code) : [];
  const badCredentials = codes.includes("UNAUTHENTICATED");
  const sending = result.fetching;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username || !password || sending || wait > 0) return;
    const r = await login({ username, password });
    setError(r.error);
    if (r.data?.login) auth.signIn(r.data.login.token, next);
    else setPassword("");
  }

  return (
    <main id="main" className="mx-auto max-w-sm px-4 py-16">
      <p className="mb-6 text-center text-2xl font-bold tracking-tight">ClusterGenie</p>
      <form onSubmit={submit} aria-label="Sign in" className="card space-y-4" noValidate>
        <h1 className="text-lg font-semibold">Sign in</h1>
        {auth.ended && !error && (
          <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="session-ended">
            {auth.ended}
          </p>
        )}
        <Field label="User name">
          <input className="input" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus required />
        </Field>
        <Field label="Password">
          <input className="input" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </Field>
        {badCredentials ? (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="login-error">
            Invalid user name or password.
          </p>
        ) : codes.includes("RATE_LIMITED") ? (
          <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="login-error">
            Too many sign-in attempts. {wait > 0 ? `Try again in ${wait} s.` : "You can try again now."}
          </p>
        ) : (
          <ErrorNotice error={error} />
        )}
        <button type="submit" className="btn-primary w-full" disabled={sending || wait > 0 || !username || !password}>
          {sending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {auth.mode === "local" && (
        <p className="mt-4 text-center text-sm text-slate-600">
          This server is in local mode: the console works without signing in.{" "}
          <Link className="link" to={next}>
            Continue as {auth.signedIn ? "before" : "the local operator"}
          </Link>
        </p>
      )}
      {auth.mode === "required" && auth.signedIn && (
        <p className="mt-4 text-center text-sm text-slate-600">
          Signed in as {auth.me.actor}.{" "}
          <Link className="link" to={next}>
            Continue
          </Link>
        </p>
      )}
    </main>
  );
}
