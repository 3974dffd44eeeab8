// Activity logs: every role's records, newest first, searched by filters kept in the URL
// (services, level, time range, text, resource, correlation and trace ids) or by a
// LogQL-like query, older pages on request, and a live tail that can be paused.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useQuery } from "urql";
import { LogServicesQuery } from "./operations";
import { LogLine } from "./LogLine";
import { useLogs, KEEP } from "./useLogs";
import { LEVELS, RANGES, reachesNow, readParams, searchOf, writeParams, type LogParams } from "./search";
import { codedErrors, ErrorNotice } from "../../components/ErrorNotice";
import { DebouncedFilterInput, FilterBar, FilterInput, FilterSelect, useUrlFilters } from "../../components/Filters";
import { Empty, Loading, PageHeader } from "../../components/Status";
import { formatValue } from "../../format/units";

const RANGE_CHOICES = [...RANGES.map((r) => ({ value: r.value, label: r.label })), { value: "custom", label: "Custom…" }];
const EXAMPLE = '{service="api", level="error"} |= "timeout"';

const lines = (n: number) => `${formatValue(n, "count")} ${n === 1 ? "line" : "lines"}`;

/** Services to choose from as toggles; none chosen means every service. */
function ServicePicker({ services, chosen, onChange }: { services: readonly string[]; chosen: readonly string[]; onChange: (services: string[]) => void }) {
  // Chosen services the server does not list (a link from elsewhere) stay visible to unchoose.
  const all = [...services, ...chosen.filter((s) => !services.includes(s))];
  return (
    <fieldset className="col-span-full">
      <legend className="label">Services{chosen.length === 0 ? <span className="font-normal text-slate-500"> (all)</span> : null}</legend>
      <div className="flex flex-wrap gap-1.5" data-testid="service-picker">
        {all.map((s) => {
          const on = chosen.includes(s);
          return (
            <label key={s} className="relative">
              <input
                type="checkbox"
                className="peer sr-only"
                checked={on}
                onChange={() => onChange(on ? chosen.filter((c) => c !== s) : [...chosen, s])}
              />
              <span className="block cursor-pointer rounded-full border border-slate-300 bg-white px-2.5 py-0.5 font-mono text-xs text-slate-700 hover:bg-slate-100 peer-checked:border-sky-700 peer-checked:bg-sky-700 peer-checked:text-white peer-checked:hover:bg-sky-800 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-1 peer-focus-visible:outline-sky-600">
                {s}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

/** The LogQL-like query box; runs on Enter or "Run", shows the server's complaint inline. */
function LogQlForm({ query, error, onRun }: { query: string; error: string | null; onRun: (query: string) => void }) {
  const [draft, setDraft] = useState(query);
  useEffect(() => setDraft(query), [query]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onRun(draft);
  };
  return (
    <form className="mb-3" aria-label="LogQL search" onSubmit={submit}>
      <label className="label" htmlFor="l-query">
        LogQL query
      </label>
      <div className="flex gap-2">
        <input
          id="l-query"
          className="input font-mono"
          value={draft}
          placeholder={EXAMPLE}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "l-query-error" : "l-query-hint"}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="btn-primary">
          Run
        </button>
      </div>
      {error ? (
        <p id="l-query-error" role="alert" className="mt-1 font-mono text-xs text-red-700" data-testid="logql-error">
          {error}
        </p>
      ) : (
        <p id="l-query-hint" className="mt-1 text-xs text-slate-500">
          Labels in braces, then line filters, e.g. <code className="font-mono">{EXAMPLE}</code>; empty shows every record.
        </p>
      )}
    </form>
  );
}

/** Filters or LogQL, as a pair of radio buttons styled as one control. */
function ModeSwitch({ logql, onChange }: { logql: boolean; onChange: (logql: boolean) => void }) {
  const modes = [
    { value: false, label: "Filters" },
    { value: true, label: "LogQL" },
  ];
  return (
    <fieldset className="mb-3 inline-flex rounded-md border border-slate-300 bg-white p-0.5">
      <legend className="sr-only">Search with</legend>
      {modes.map((m) => (
        <label key={m.label} className="relative">
          <input type="radio" name="log-mode" className="peer sr-only" checked={logql === m.value} onChange={() => onChange(m.value)} />
          <span className="block cursor-pointer rounded px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 peer-checked:bg-sky-700 peer-checked:text-white peer-checked:hover:bg-sky-800 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-1 peer-focus-visible:outline-sky-600">
            {m.label}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export function LogsPage() {
  const { params, set } = useUrlFilters();
  const p = readParams(params);
  const update = (changes: Partial<LogParams>) => set(writeParams(changes));
  // A preset range ends when the search was chosen; it stays put until the search changes.
  const { live: _live, ...searchParams } = p;
  const searchKey = JSON.stringify(searchParams);
  const search = useMemo(() => searchOf(p, Date.now()), [searchKey]);
  const canTail = reachesNow(search);
  const logs = useLogs(search, p.live && canTail);
  const [services] = useQuery({ query: LogServicesQuery });

  const errors = logs.error ? codedErrors(logs.error) : [];
  const badInput = errors.find((e) => e.code === "BAD_USER_INPUT");
  const inlineError = p.logql && badInput ? badInput.message : null;
  const shownErrors = inlineError ? errors.filter((e) => e !== badInput) : errors;
  const filtered = !p.logql && (p.services.length > 0 || p.minLevel || p.range || p.text || p.resourceId || p.correlationId || p.traceId);
  // Narrowing from a line applies to the filters (the LogQL query stays in the URL for later).
  const narrow = (changes: Partial<LogParams>) => update({ ...changes, logql: false });

  return (
    <section>
      <PageHeader title="Logs">
        <span className="self-center text-xs text-slate-500" role="status" data-testid="tail-status">
          {logs.tailing ? (logs.paused ? "Paused" : "Following live") : ""}
        </span>
        {logs.tailing && (
          <button type="button" className="btn-secondary" onClick={logs.paused ? logs.resume : logs.pause}>
            {logs.paused ? "Resume" : "Pause"}
          </button>
        )}
        <button
          type="button"
          className={p.live ? "btn-primary" : "btn-secondary"}
          aria-pressed={p.live}
          disabled={!canTail}
          title={canTail ? "Show new records as they are written" : "The time range ends in the past"}
          onClick={() => update({ live: !p.live })}
        >
          Live tail
        </button>
      </PageHeader>

      <ModeSwitch logql={p.logql} onChange={(logql) => update({ logql })} />
      {p.logql ? (
        <LogQlForm query={p.query} error={inlineError} onRun={(query) => update({ query })} />
      ) : (
        <>
          <FilterBar className="grid-cols-2 md:grid-cols-4">
            <ServicePicker services={services.data?.logServices ?? []} chosen={p.services} onChange={(s) => update({ services: s })} />
            <FilterSelect
              id="l-level"
              label="Level"
              value={p.minLevel ?? ""}
              onChoose={(v) => update({ minLevel: (v || null) as LogParams["minLevel"] })}
              choices={[...LEVELS].reverse().map((l) => ({ value: l, label: l === "ERROR" ? "ERROR" : `${l} and above` }))}
            />
            <FilterSelect id="l-range" label="Time range" any="Any time" value={p.range ?? ""} onChoose={(v) => update({ range: (v || null) as LogParams["range"] })} choices={RANGE_CHOICES} />
            {p.range === "custom" && (
              <>
                <FilterInput id="l-since" label="Since" type="datetime-local" value={p.since} onText={(v) => set({ range: "custom", since: v })} />
                <FilterInput id="l-until" label="Until" type="datetime-local" value={p.until} onText={(v) => set({ range: "custom", until: v })} />
              </>
            )}
            <DebouncedFilterInput id="l-text" label="Message contains" placeholder="timeout" value={p.text} onText={(text) => update({ text })} />
            <DebouncedFilterInput id="l-resource" label="Resource id" className="font-mono" value={p.resourceId} onText={(resourceId) => update({ resourceId })} />
            <DebouncedFilterInput id="l-correlation" label="Correlation id" value={p.correlationId} onText={(correlationId) => update({ correlationId })} />
            <DebouncedFilterInput id="l-trace" label="Trace id" value={p.traceId} onText={(traceId) => update({ traceId })} />
          </FilterBar>
          {filtered && (
            <button
              type="button"
              className="link mb-3 text-sm"
              onClick={() => update({ services: [], minLevel: null, range: null, text: "", resourceId: "", correlationId: "", traceId: "" })}
            >
              Clear filters
            </button>
          )}
        </>
      )}

      <ErrorNotice error={shownErrors} hints={!p.logql && badInput ? { BAD_USER_INPUT: `The search was refused: ${badInput.message}` } : undefined} />
      {logs.tailError && (
        <ErrorNotice error={[{ code: "UNAVAILABLE", message: logs.tailError }]} hints={{ UNAVAILABLE: "The live tail stopped; turn it off and on, or reload the page." }} />
      )}
      {!logs.loaded || !logs.current ? (
        logs.error ? null : <Loading what="log records" />
      ) : (
        <>
          <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-500">
            <span data-testid="lines-shown">{lines(logs.lines.length)}, newest first{logs.tailing ? ` (the newest ${formatValue(KEEP, "count")} are kept)` : ""}</span>
            {logs.dropped > 0 && (
              <span className="font-medium text-amber-800" data-testid="dropped">
                {lines(logs.dropped)} dropped: the server skipped them because this page read too slowly
              </span>
            )}
          </div>
          {logs.paused && logs.pendingCount > 0 && (
            <button type="button" className="mb-2 w-full rounded-md border border-sky-300 bg-sky-50 px-3 py-1.5 text-sm text-sky-900 hover:bg-sky-100" onClick={logs.resume} data-testid="pending">
              {formatValue(logs.pendingCount, "count")} new {logs.pendingCount === 1 ? "line" : "lines"}: resume to show {logs.pendingCount === 1 ? "it" : "them"}
            </button>
          )}
          {logs.lines.length === 0 ? (
            <Empty>
              No log records match{logs.tailing ? "; new ones appear here as they are written" : ""}.
              {p.range && p.range !== "custom" && !p.logql ? " A longer time range may find some." : ""}
            </Empty>
          ) : (
            <ul className="card overflow-hidden p-0" aria-label="Log lines">
              {logs.lines.map((r) => (
                <LogLine key={r.id} record={r} onFilter={narrow} />
              ))}
            </ul>
          )}
        </>
      )}
      {logs.loaded && logs.current && logs.hasOlder && (
        <button type="button" className="btn-secondary mt-3" disabled={logs.fetching} onClick={logs.loadOlder}>
          {logs.fetching ? "Loading…" : "Load older"}
        </button>
      )}
    </section>
  );
}
