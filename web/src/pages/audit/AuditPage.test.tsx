import { describe, expect, it } from "vitest";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AuditPage } from "./AuditPage";
import { renderWithApi } from "../../test/render";
import { deferred, event, eventPage } from "../../test/fixtures";

const positions = () => screen.getAllByTestId("event").map((li) => Number(li.getAttribute("data-position")));

describe("AuditPage", () => {
  it("newest first shows the newest page first and loads older pages on request", async () => {
    const { calls } = renderWithApi(<AuditPage />, {
      path: "/audit",
      route: "/audit",
      handlers: {
        Events: (v) =>
          v.before === "c301"
            ? eventPage([event(299), event(300)], { hasPreviousPage: true, totalCount: 354 })
            : eventPage([event(301), event(302), event(353), event(354)], { hasPreviousPage: true, totalCount: 354 }),
      },
    });
    await screen.findAllByTestId("event");
    expect(positions()).toEqual([354, 353, 302, 301]);
    const first = calls.find((c) => c.kind === "query");
    expect(first?.variables).toMatchObject({ last: 50, before: null });
    expect(first?.variables).not.toHaveProperty("first");
    expect(screen.getByText(/4 of 354 events loaded/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Load older" }));
    await waitFor(() => expect(positions()).toEqual([354, 353, 302, 301, 300, 299]));
  });

  it("follows new events live while older pages are still unloaded", async () => {
    const { ws } = renderWithApi(<AuditPage />, {
      path: "/audit",
      route: "/audit",
      handlers: { Events: () => eventPage([event(353), event(354)], { hasPreviousPage: true, totalCount: 354 }) },
    });
    await screen.findAllByTestId("event");
    expect(screen.getByText("Following live")).toBeInTheDocument();
    const tail = ws.subscribed.at(-1)!;
    expect(tail.variables.after).toBe("c354");
    act(() => tail.next({ data: { events: event(355) } }));
    expect(positions()).toEqual([355, 354, 353]);
    expect(screen.getByText(/3 of 355 events loaded/)).toBeInTheDocument();
  });

  it("ignores the answer to a superseded filter that arrives last", async () => {
    const answers: Record<string, ReturnType<typeof deferred>> = {};
    renderWithApi(<AuditPage />, {
      path: "/audit",
      route: "/audit?since=2026-01-01T00:00",
      handlers: {
        Events: (v) => {
          const key = (v.filter as { until?: string | null }).until ? "until" : "since";
          answers[key] = deferred();
          return answers[key].source;
        },
      },
    });
    await waitFor(() => expect(answers.since).toBeDefined());
    const until = screen.getByLabelText("Until");
    await userEvent.type(until, "2026-01-02T00:00");
    await waitFor(() => expect(answers.until).toBeDefined());
    // The newer request answers first, the older one last.
    act(() => answers.until.resolve(eventPage([event(1), event(2)], { totalCount: 39 })));
    act(() => answers.since.resolve(eventPage([event(1), event(2), event(3), event(4)], { totalCount: 219 })));
    await screen.findAllByTestId("event");
    expect(screen.getByTestId("events-loaded")).toHaveTextContent("2 of 39 events loaded");
    expect(positions()).toEqual([2, 1]);
  });

  it("hides progress events unless asked, and matches the actor in part", async () => {
    const { calls } = renderWithApi(<AuditPage />, {
      path: "/audit",
      route: "/audit?actor=Anon",
      handlers: { Events: () => eventPage([event(1)]) },
    });
    const row = (await screen.findAllByTestId("event"))[0];
    expect(within(row).getByTestId("event-summary")).toHaveTextContent("anonymous created cluster c1 in fra1");
    expect(calls.find((c) => c.kind === "query")?.variables).toMatchObject({
      filter: { actorContains: "Anon", excludeEventTypes: ["JobProgressed"] },
    });
    await userEvent.click(screen.getByLabelText("Show progress events"));
    await waitFor(() =>
      expect(calls.filter((c) => c.kind === "query").at(-1)?.variables).toMatchObject({ filter: { excludeEventTypes: null } }),
    );
  });

  it("tells a health check's changes of health as sentences linking to the check", async () => {
    const hc = { aggregateType: "HealthCheck" as const, aggregateId: "check-1", actor: "system:health" };
    renderWithApi(<AuditPage />, {
      path: "/audit",
      route: "/audit?aggregateType=HealthCheck",
      handlers: {
        Events: () =>
          eventPage([
            event(1, { ...hc, type: "HealthCheckCreated", actor: "anonymous", payload: { spec: { name: "api" } } }),
            event(2, { ...hc, type: "HealthCheckBecameUnhealthy", payload: { failures: 2, error: "HTTP 503" } }),
            event(3, { ...hc, type: "HealthCheckRecovered", payload: { from: "UNHEALTHY", successes: 2 } }),
          ]),
      },
    });
    const sentences = await screen.findAllByTestId("event-summary");
    expect(sentences.map((s) => s.textContent)).toEqual([
      expect.stringMatching(/^system:health marked .+ healthy after 2 passed runs \(was UNHEALTHY\)$/),
      expect.stringMatching(/^system:health marked .+ unhealthy after 2 failed runs: HTTP 503$/),
      "anonymous created health check api",
    ]);
    expect(within(sentences[2]).getByRole("link", { name: "api" })).toHaveAttribute("href", "/health-checks/check-1");
    expect(screen.getByLabelText("Object type")).toHaveValue("HealthCheck");
    expect(within(screen.getByLabelText("Event type")).getByRole("option", { name: "HealthCheckBecameUnhealthy" })).toBeInTheDocument();
  });

  it("narrows to one request's events by the correlation id in the URL, and links each event to its request's logs", async () => {
    const { calls } = renderWithApi(<AuditPage />, {
      path: "/audit",
      route: "/audit?correlationId=req-7",
      handlers: { Events: () => eventPage([event(1, { correlationId: "req-7" })]) },
    });
    const row = (await screen.findAllByTestId("event"))[0];
    expect(calls.find((c) => c.kind === "query")?.variables).toMatchObject({ filter: { correlationId: "req-7" } });
    expect(screen.getByLabelText("Correlation id")).toHaveValue("req-7");
    expect(screen.getByRole("link", { name: "Logs of this request" })).toHaveAttribute("href", "/logs?correlationId=req-7");
    await userEvent.click(within(row).getByTestId("event-summary"));
    expect(within(row).getByRole("link", { name: "Logs" })).toHaveAttribute("href", "/logs?correlationId=req-7");
  });
});
