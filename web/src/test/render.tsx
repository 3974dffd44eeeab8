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

export function fakeWs(): WsClient {
  return {
    on: () => () => {},
    subscribe: () => () => {},
    iterate: () => {
      throw new Error("not used");
    },
    terminate: () => {},
    dispose: () => {},
  } as unknown as WsClient;
}

export function renderWithApi(
  ui: ReactElement,
  { handlers = {}, path = "/", route = "/" }: { handlers?: Handlers; path?: string; route?: string } = {},
) {
  const subscriptions = new Subscriptions();
  const calls: Operation[] = [];
  const client = new Client({ url: "/graphql", exchanges: [mockExchange(handlers, subscriptions, calls)] });
  const view = render(
    <ConnectionProvider ws={fakeWs()}>
      <Provider value={client}>
        <MemoryRouter initialEntries={[route]}>
          <Routes>
            <Route path={path} element={ui} />
          </Routes>
        </MemoryRouter>
      </Provider>
    </ConnectionProvider>,
  );
  return { ...view, subscriptions, calls };
}
