// "Diagnose" on a cluster's or a droplet's page (OPERATOR and above): a small form — which
// checks to run (all by default) and an optional question — that asks for a diagnosis with an
// idempotency key (a resent request returns the first answer) and opens the diagnosis page.
// A rate-limited request says when to try again and counts down to it.
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { useClient, useMutation, type CombinedError } from "urql";
import { DiagnoseMutation, DiagnosesQuery } from "./operations";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useToast } from "../../components/Toasts";
import { IfRole } from "../../auth/RoleGate";
import type { DiagnosisCheck, DiagnosisTarget } from "../../gql/graphql";

/** Every check, in the order the report lists them, with what it looks for. */
export const CHECKS: readonly { check: DiagnosisCheck; hint: string }[] = [
  { check: "CONNECTIVITY", hint: "failing or flapping health checks" },
  { check: "PERFORMANCE", hint: "sustained CPU or memory, outbound traffic" },
  { check: "CAPACITY", hint: "disks filling, a cluster running hot" },
  { check: "RELIABILITY", hint: "failed jobs and droplets, stopped or stuck droplets" },
  { check: "SECURITY", hint: "old images, droplets outside clusters, changes beyond a role" },
];

/** The server's limit on a question. */
export const MAX_QUESTION = 2000;

/** Seconds until a RATE_LIMITED error says to try again, if it is one. */
export function retryAfter(error: CombinedError | undefined): number | null {
  for (const e of error?.graphQLErrors ?? []) {
    if (e.extensions?.code !== "RATE_LIMITED") continue;
    const s = Number(e.extensions?.retryAfterSeconds);
    return Number.isFinite(s) && s > 0 ? Math.ceil(s) : 1;
  }
  return null;
}

const newKey = () => (globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`).toString();

/** Seconds left until `until` (ms since the epoch), ticking every second. */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}

export function DiagnoseButton({ targetType, targetId, name, disabledReason, label = "Diagnose" }: {
  targetType: DiagnosisTarget;
  targetId: string;
  /** The target's name, for the form's title. */
  name: string;
  /** Why it cannot be diagnosed now (a deleted cluster, a destroyed droplet), if so. */
  disabledReason?: string | null;
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <IfRole role="OPERATOR">
      <button className="btn-secondary" onClick={() => setOpen(true)} disabled={!!disabledReason} title={disabledReason ?? `Look for problems in ${name}`}>
        {label}
      </button>
      {open && <DiagnoseForm targetType={targetType} targetId={targetId} name={name} onClose={() => setOpen(false)} />}
    </IfRole>
  );
}

export function DiagnoseForm({ targetType, targetId, name, onClose }: { targetType: DiagnosisTarget; targetId: string; name: string; onClose: () => void }) {
  const navigate = useNavigate();
  const client = useClient();
  const toast = useToast();
  const [result, diagnose] = useMutation(DiagnoseMutation);
  const [checks, setChecks] = useState<DiagnosisCheck[]>(CHECKS.map((c) => c.check));
  const [question, setQuestion] = useState("");
  // One key per form: resending the same request (a double click, a retry after a network
  // error) returns the first diagnosis instead of asking twice.
  const [key, setKey] = useState(newKey);
  const [error, setError] = useState<CombinedError | undefined>(undefined);
  const [limitedUntil, setLimitedUntil] = useState<number | null>(null);
  const wait = useCountdown(limitedUntil);
  const limited = wait > 0;
  const what = targetType === "CLUSTER" ? "cluster" : "droplet";
  const tooLong = question.length > MAX_QUESTION;

  async function submit() {
    setError(undefined);
    const r = await diagnose({
      input: { targetType, targetId, checks, question: question.trim() || null, idempotencyKey: key },
    });
    if (r.error) {
      setError(r.error);
      const seconds = retryAfter(r.error);
      if (seconds) {
        setLimitedUntil(Date.now() + seconds * 1000);
        // A refused request appended nothing: the next try is a new request.
        setKey(newKey());
      }
      return;
    }
    const payload = r.data!.diagnose;
    let id = payload.diagnosis?.id;
    if (!id) {
      // Not projected yet: the read models will have it at `position`.
      const list = await client
        .query(DiagnosesQuery, { first: 100, filter: { targetId }, minPosition: payload.position }, { requestPolicy: "network-only" })
        .toPromise();
      id = list.data?.diagnoses.nodes.at(-1)?.id;
    }
    if (payload.position === 0) toast(`A diagnosis of ${name} is running already; showing it`);
    else toast(`Diagnosing ${what} ${name}`);
    onClose();
    if (id) navigate(`/diagnoses/${id}`, { state: { minPosition: payload.position || null } });
    else navigate(`/diagnoses?target=${targetId}`);
  }

  const toggle = (c: DiagnosisCheck, on: boolean) => setChecks((prev) => (on ? CHECKS.map((x) => x.check).filter((x) => x === c || prev.includes(x)) : prev.filter((x) => x !== c)));

  return (
    <ConfirmDialog
      title={`Diagnose ${what} ${name}`}
      confirmLabel={result.fetching ? "Asking…" : limited ? `Try again in ${wait} s` : "Run diagnosis"}
      ready={checks.length > 0 && !tooLong && !result.fetching && !limited}
      onClose={onClose}
      onConfirm={submit}
    >
      <fieldset>
        <legend className="label">Checks</legend>
        <ul className="space-y-1">
          {CHECKS.map(({ check, hint }) => (
            <li key={check}>
              <label className="flex items-start gap-2">
                <input type="checkbox" className="mt-1" checked={checks.includes(check)} onChange={(e) => toggle(check, e.target.checked)} />
                <span>
                  <span className="font-medium">{check.charAt(0) + check.slice(1).toLowerCase()}</span>
                  <span className="text-slate-500"> — {hint}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
        {checks.length === 0 && <p className="mt-1 text-xs text-red-700">Choose at least one check.</p>}
      </fieldset>
      <div>
        <label className="label" htmlFor="diagnose-question">
          Question <span className="font-normal text-slate-500">(optional)</span>
        </label>
        <textarea
          id="diagnose-question"
          className="input min-h-20"
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          placeholder="Why is the shop slow since this morning?"
          maxLength={MAX_QUESTION + 100}
        />
        <p className={`text-xs ${tooLong ? "text-red-700" : "text-slate-500"}`}>
          {tooLong ? `At most ${MAX_QUESTION} characters (${question.length} now).` : "A configured model answers it; the built-in analysis ignores it."}
        </p>
      </div>
      {limited ? (
        <div role="alert" data-testid="rate-limited" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-medium">Too many diagnoses of {name} just now.</p>
          <p>
            Try again in <span className="tabular-nums font-semibold">{wait} s</span>: diagnoses are rate limited (the <code>diagnosis</code> limiter).
          </p>
        </div>
      ) : (
        <ErrorNotice error={retryAfter(error) ? undefined : error} hints={{ NOT_FOUND: `The ${what} does not exist (any more).` }} />
      )}
    </ConfirmDialog>
  );
}
