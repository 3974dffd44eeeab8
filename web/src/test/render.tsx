// Renders a component with a real urql client whose exchange answers from test handlers,
// a fake subscription socket and a router.
import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { Client, Provider, getOperationName, makeResult, type Exchange, type Operation } from "urql";
import { filter, fromValue, makeSubject, mergeMap, map, never, pipe, takeUntil, type Source, type Subject } from "wonka";
import type { Client as WsClient } from "graphql-ws";
import type { ExecutionResult } from "graphql";
import { ConnectionProvider } from "../live/connection";
import { ToastProvider } from "../components/Toasts";
import { AuthContext, authOf, type Auth } from "../auth/AuthContext";
import type { MeFieldsFragment, Role } from "../gql/graphql";

/** `me` as the server answers it: local mode's operator, or a signed-in user with `role`. */
export function meAs(role: Role | null = "ADMIN", over: Partial<MeFieldsFragment> = {}): MeFieldsFragment {
  const local = role === "ADMIN" && !over.via;
  return {
    actor: local ? "local" : role ? "alice" : "anonymous",
    role,
    via: local ? "LOCAL" : role ? "SESSION" : "ANONYMOUS",
    authMode: local ? "local" : "required",
    expiresAt: local || !role ? null : "2030-01-01T00:00:00Z",
    user: local || !role ? null : { id: "user-alice", username: "alice", role, status: "ACTIVE" },
    ...over,
  };
}

/** A fixed session for a rendered component: what `me` said, and recorded sign-ins and sign-outs. */
export function fixedAuth(me: MeFieldsFragment = meAs()): Auth & { signedInWith: string[]; signedOut: number } {
  const record = { signedInWith: [] as string[], signedOut: 0 };
  const auth = authOf(me, {
    signIn: (token, next) => record.signedInWith.push(`${token} → ${next}`),
    signOut: () => (record.signedOut += 1),
    ended: null,
  });
  return Object.assign(record, auth);
}

export type Handlers = Record<string, (variables: Record<string, unknown>) => ExecutionResult | Source<ExecutionResult>>;

/** One subject per subscription operation name, for tests to push updates through. */
export class Subscriptions {
  private subjects = new Map<string, Subject<ExecutionResult>>();
  subject(name: string): Subject<ExecutionResult> {
    let s = this.subjects.get(name);
    if (!s) this.subjects.set(name, (s = makeSubject<ExecutionResult>()));
    return s;
  }
  push(name: string, data: Record<string, unknown>) {
    this.subject(name).next({ data });
  }
}

function mockExchange(handlers: Handlers, subscriptions: Subscriptions, calls: Operation[]): Exchange {
  return () => (ops$) => {
    const teardown$ = pipe(ops$, filter((op) => op.kind === "teardown"));
    return pipe(
      ops$,
      filter((op) => op.kind !== "teardown"),
      mergeMap((op) => {
        calls.push(op);
        const name = getOperationName(op.query) ?? "";
        let source: Source<ExecutionResult>;
        if (op.kind === "subscription") source = subscriptions.subject(name).source;
        else if (handlers[name]) {
          const r = handlers[name](op.variables as Record<string, unknown>);
          source = "data" in r || "errors" in r ? fromValue(r as ExecutionResult) : (r as Source<ExecutionResult>);
        } else source = never;
        return pipe(
          source,
          map((r) => makeResult(op, r)),
          takeUntil(pipe(teardown$, filter((t) => t.key === op.key))),
        );
      }),
    );
  };
}

/** A subscription socket the test drives: connection events, and the subscriptions made on it. */
export interface FakeWs extends WsClient {
  /** Emits `connected` (`wasRetry` after a drop) or `closed` to the listeners. */
  emit(event: "connected" | "closed", wasRetry?: boolean): void;
  /** Every `subscribe` call, with the sink to push results into. */
  subscribed: { variables: Record<string, unknown>; next: (r: ExecutionResult) => void }[];
}

export function fakeWs(): FakeWs {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const subscribed: FakeWs["subscribed"] = [];
  return {
    on: (event: string, listener: (...args: unknown[]) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)?.delete(listener);
    },
    subscribe: (payload: { variables?: Record<string, unknown> }, sink: { next: (r: ExecutionResult) => void }) => {
      const entry = { variables: payload.variables ?? {}, next: (r: ExecutionResult) => sink.next(r) };
      subscribed.push(entry);
      return () => {
        entry.next = () => {};
      };
    },
    emit(event: "connected" | "closed", wasRetry = false) {
      listeners.get(event)?.forEach((l) => (event === "connected" ? l(null, null, wasRetry) : l({ code: 1006 })));
    },
    subscribed,
    iterate: () => {
      throw new Error("not used");
    },
    terminate: () => {},
    dispose: () => {},
  } as unknown as FakeWs;
}

/** A real urql client answering from `handlers` (and `subscriptions`), recording operations in `calls`. */
export function mockClient(handlers: Handlers, subscriptions = new Subscriptions(), calls: Operation[] = []): Client {
  return new Client({ url: "/graphql", exchanges: [mockExchange(handlers, subscriptions, calls)] });
}

export function renderWithApi(
  ui: ReactElement,
  { handlers = {}, path = "/", route = "/", ws = fakeWs(), auth = fixedAuth() }: { handlers?: Handlers; path?: string; route?: string; ws?: FakeWs; auth?: Auth } = {},
) {
  const subscriptions = new Subscriptions();
  const calls: Operation[] = [];
  const client = mockClient(handlers, subscriptions, calls);
  const view = render(
    <ConnectionProvider ws={ws}>
      <Provider value={client}>
        <AuthContext.Provider value={auth}>
          <ToastProvider>
            <MemoryRouter initialEntries={[route]}>
              <Routes>
                <Route path={path} element={ui} />
              </Routes>
            </MemoryRouter>
          </ToastProvider>
        </AuthContext.Provider>
      </Provider>
    </ConnectionProvider>,
  );
  return { ...view, subscriptions, calls, ws };
}
