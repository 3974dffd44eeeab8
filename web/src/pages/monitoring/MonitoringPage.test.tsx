import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, screen, within } from "@testing-library/react";
import { MonitoringPage } from "./MonitoringPage";
import { POLL_MS } from "./useSamples";
import { renderWithApi } from "../../test/render";
import type { MonitoringQuery } from "../../gql/graphql";

function figures(busy: number, queued: number, lag: number, relay: number | null = null): { data: MonitoringQuery } {
  return {
    data: {
      workerPool: {
        workers: 2,
        runners: 6,
        busy,
        queueLength: queued,
        jobsByStatus: [
          { status: "QUEUED", count: queued },
          { status: "RUNNING", count: busy },
          { status: "COMPLETED", count: 1204 },
          { status: "FAILED", count: 1 },
          { status: "CANCELLED", count: 0 },
        ],
      },
      pipeline: { projectorLagEvents: lag, projectorLagSeconds: lag / 10, relayLagEvents: relay },
    },
  };
}

const legend = (chart: string) =>
  within(screen.getByRole("figure", { name: chart }))
    .getAllByTestId("legend-item")
    .map((i) => i.textContent);

/** Lets the next poll happen and its answer arrive. */
const nextPoll = () => act(async () => void vi.advanceTimersByTime(POLL_MS));

describe("MonitoringPage", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse("2026-12-02T14:00:00Z"), toFake: ["setInterval", "clearInterval", "Date"] }));
  afterEach(() => vi.useRealTimers());

  it("shows the worker pool and the pipeline's lag, polls them and charts what it has seen", async () => {
    const answers = [figures(2, 5, 40), figures(6, 1, 0), figures(3, 0, 12)];
    let polls = 0;
    renderWithApi(<MonitoringPage />, { path: "/monitoring", route: "/monitoring", handlers: { Monitoring: () => answers[Math.min(polls++, answers.length - 1)] } });

    expect(await screen.findByRole("heading", { level: 1, name: "Monitoring" })).toBeInTheDocument();
    expect(await screen.findByTestId("figure-busy-value")).toHaveTextContent("2");
    expect(screen.getByTestId("figure-workers-value")).toHaveTextContent("2");
    expect(screen.getByTestId("figure-runners-value")).toHaveTextContent("6");
    expect(screen.getByTestId("figure-queue-value")).toHaveTextContent("5");
    expect(screen.getByTestId("figure-projector-events-value")).toHaveTextContent("40");
    expect(screen.getByTestId("figure-projector-seconds-value")).toHaveTextContent("4 s");
    expect(screen.getByTestId("jobs-COMPLETED")).toHaveTextContent("COMPLETED1,204");
    expect(screen.getByRole("link", { name: "1 job failed" })).toHaveAttribute("href", "/jobs?status=FAILED");
    // Embedded mode: no relay, said in words rather than a 0.
    expect(screen.getByTestId("figure-relay")).toHaveTextContent("No relay");
    expect(screen.queryByRole("figure", { name: "Kafka relay behind the event store" })).not.toBeInTheDocument();
    expect(legend("Runners, busy and queued jobs")).toEqual(["Runners6", "Busy2", "Queue length5"]);

    await nextPoll();
    expect(screen.getByTestId("figure-busy-value")).toHaveTextContent("6");
    expect(legend("Runners, busy and queued jobs")).toEqual(["Runners6", "Busy6", "Queue length1"]);
    expect(legend("Read models behind the event store")).toEqual(["Events behind0", "Oldest waiting0 s"]);
    await nextPoll();
    expect(screen.getByTestId("figure-projector-events-value")).toHaveTextContent("12");
    expect(polls).toBe(3);
    expect(screen.getAllByRole("img").length).toBe(2);
    expect(screen.getByTestId("watching")).toHaveTextContent(/^Watching for 4 s, since .*every 2 s/);
  });

  it("charts the relay in distributed mode, and keeps the last figures through a failed poll", async () => {
    let fail = false;
    renderWithApi(<MonitoringPage />, {
      path: "/monitoring",
      route: "/monitoring",
      handlers: {
        Monitoring: () => (fail ? { errors: [{ message: "the database is unavailable; try again", extensions: { code: "UNAVAILABLE" } }] } : figures(1, 0, 0, 7)) as never,
      },
    });
    expect(await screen.findByTestId("figure-relay-value")).toHaveTextContent("7");
    expect(legend("Kafka relay behind the event store")).toEqual(["Events not published7"]);
    fail = true;
    await nextPoll();
    expect(screen.getByRole("alert")).toHaveTextContent(/cannot do that right now/);
    expect(screen.getByTestId("figure-relay-value")).toHaveTextContent("7");
    fail = false;
    await nextPoll();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
