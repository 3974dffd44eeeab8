import { describe, expect, it } from "vitest";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { LogsPage } from "./LogsPage";
import { formatLineTime } from "./records";
import type { Operation } from "urql";
import { renderWithApi } from "../../test/render";
import { logPage, logRecord, logTailMessage } from "../../test/fixtures";

const services = () => ({ data: { logServices: ["api", "worker", "projector", "relay", "scheduler", "simulator", "system"] } });
/** The variables of each `logs` page asked for (not `logServices`), in order. */
const pages = (calls: Operation[]) => calls.filter((c) => c.kind === "query" && c.variables?.first === 100).map((c) => c.variables as Record<string, unknown>);
const lineIds = () => screen.getAllByTestId("log-line").map((li) => Number(li.getAttribute("data-id")));
const CLUSTER = "1b6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f";
const JOB = "2c6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f";
const OTHER = "3d6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f";

describe("LogsPage", () => {
  it("shows each record as a line (time, level, service, message) and asks for what the URL says", async () => {
    const { calls } = renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs?services=api,worker&minLevel=WARN&text=fail&resourceId=r1&correlationId=c1&traceId=t1",
      handlers: {
        LogServices: services,
        Logs: () =>
          logPage([
            logRecord(3, { level: "ERROR", service: "worker", message: "job failed for good: disk full" }),
            logRecord(2, { level: "WARN", message: "mutation payload served before the read models caught up" }),
          ]),
      },
    });
    const lines = await screen.findAllByTestId("log-line");
    expect(lines).toHaveLength(2);
    const first = within(lines[0]);
    expect(first.getByText(formatLineTime(logRecord(3).at))).toHaveAttribute("datetime", logRecord(3).at);
    expect(first.getByTestId("log-level")).toHaveTextContent("ERROR");
    expect(first.getByTestId("log-level").className).toMatch(/red/);
    expect(within(lines[1]).getByTestId("log-level").className).toMatch(/amber/);
    expect(first.getByTestId("log-service")).toHaveTextContent("worker");
    expect(first.getByTestId("log-message")).toHaveTextContent("job failed for good: disk full");
    expect(screen.getByTestId("lines-shown")).toHaveTextContent("2 lines, newest first");
    expect(pages(calls)[0]).toEqual({
      filter: { services: ["api", "worker"], minLevel: "WARN", since: null, until: null, text: "fail", resourceId: "r1", correlationId: "c1", traceId: "t1" },
      query: null,
      first: 100,
      after: null,
    });
    // The filters show what the URL says.
    expect(screen.getByRole("checkbox", { name: "api" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "relay" })).not.toBeChecked();
    expect(screen.getByLabelText("Level")).toHaveValue("WARN");
    expect(screen.getByLabelText("Message contains")).toHaveValue("fail");
    expect(screen.getByLabelText("Correlation id")).toHaveValue("c1");
  });

  it("expands a line to everything it has; ids narrow the search, resources link to their pages", async () => {
    const record = logRecord(7, {
      message: `createCluster: ClusterCreated on Cluster ${CLUSTER}`,
      target: "command::handlers",
      instance: "web-host:77",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      correlationId: "corr-1",
      resourceIds: [CLUSTER, JOB, OTHER],
      fields: { command: "createCluster", cluster_id: CLUSTER, target_type: "Job", target_id: JOB, position: 12, other: OTHER },
    });
    const { calls } = renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs",
      handlers: { LogServices: services, Logs: () => logPage([record]) },
    });
    const line = (await screen.findAllByTestId("log-line"))[0];
    expect(screen.queryByTestId("log-details")).not.toBeInTheDocument();
    await userEvent.click(within(line).getByTestId("log-message"));
    const details = within(await screen.findByTestId("log-details"));
    expect(details.getByText("command::handlers")).toBeInTheDocument();
    expect(details.getByText("web-host:77")).toBeInTheDocument();
    expect(details.getByRole("link", { name: "Audit events" })).toHaveAttribute("href", "/audit?correlationId=corr-1");
    // Field rows, sorted, values as text or JSON.
    expect(details.getAllByTestId("log-field").map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^cluster_id/),
      "commandcreateCluster",
      expect.stringMatching(/^other/),
      "position12",
      expect.stringMatching(/^target_id/),
      "target_typeJob",
    ]);
    // Kinds from the field names: the cluster and (by target_type) the job link to their pages; the other id only filters.
    const links = details.getAllByRole("link").map((a) => a.getAttribute("href"));
    expect(links).toContain(`/clusters/${CLUSTER}`);
    expect(links).toContain(`/jobs/${JOB}`);
    expect(links.some((h) => h?.includes(OTHER))).toBe(false);

    await userEvent.click(details.getAllByRole("button", { name: CLUSTER })[0]);
    await waitFor(() =>
      expect(pages(calls).at(-1)).toMatchObject({ filter: { resourceId: CLUSTER } }),
    );
    expect(screen.getByLabelText("Resource id")).toHaveValue(CLUSTER);
  });

  it("searches the message text once typing pauses, not per keystroke", async () => {
    const { calls } = renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs",
      handlers: { LogServices: services, Logs: () => logPage([logRecord(1)]) },
    });
    await screen.findAllByTestId("log-line");
    await userEvent.type(screen.getByLabelText("Message contains"), "timeout");
    await waitFor(() => expect(pages(calls).at(-1)).toMatchObject({ filter: { text: "timeout" } }));
    const texts = pages(calls).map((v) => (v.filter as { text: string | null }).text);
    expect(texts).toEqual([null, "timeout"]);
  });

  it("loads older records after the last cursor", async () => {
    const { calls } = renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs?minLevel=INFO",
      handlers: {
        LogServices: services,
        Logs: (v) => (v.after === "l9" ? logPage([logRecord(8), logRecord(7)]) : logPage([logRecord(10), logRecord(9)], true)),
      },
    });
    await screen.findAllByTestId("log-line");
    await userEvent.click(screen.getByRole("button", { name: "Load older" }));
    await waitFor(() => expect(lineIds()).toEqual([10, 9, 8, 7]));
    expect(pages(calls).at(-1)).toMatchObject({ after: "l9", filter: { minLevel: "INFO" } });
    expect(screen.queryByRole("button", { name: "Load older" })).not.toBeInTheDocument();
  });

  it("tails live from the newest line, pauses counting new lines, and says what was dropped", async () => {
    const { ws } = renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs?services=api&live=1",
      handlers: { LogServices: services, Logs: () => logPage([logRecord(5), logRecord(4)]) },
    });
    await screen.findAllByTestId("log-line");
    await screen.findByText("Following live");
    const sub = ws.subscribed.at(-1)!;
    expect(sub.variables).toMatchObject({ after: "l5", filter: { services: ["api"] }, query: null });
    act(() => sub.next(logTailMessage(logRecord(6))));
    act(() => sub.next(logTailMessage(logRecord(6)))); // a replayed one is not shown twice
    expect(lineIds()).toEqual([6, 5, 4]);

    await userEvent.click(screen.getByRole("button", { name: "Pause" }));
    expect(screen.getByText("Paused")).toBeInTheDocument();
    act(() => sub.next(logTailMessage(logRecord(7))));
    act(() => sub.next(logTailMessage(logRecord(9), 1)));
    expect(lineIds()).toEqual([6, 5, 4]);
    expect(screen.getByTestId("pending")).toHaveTextContent("2 new lines");
    expect(screen.getByTestId("dropped")).toHaveTextContent("1 line dropped");
    await userEvent.click(screen.getByRole("button", { name: "Resume" }));
    expect(lineIds()).toEqual([9, 7, 6, 5, 4]);
    expect(screen.queryByTestId("pending")).not.toBeInTheDocument();

    // Turned off, the tail ends and the button says so.
    await userEvent.click(screen.getByRole("button", { name: "Live tail" }));
    expect(screen.getByRole("button", { name: "Live tail" })).toHaveAttribute("aria-pressed", "false");
    expect(screen.queryByText("Following live")).not.toBeInTheDocument();
  });

  it("takes a LogQL query and shows the server's complaint about it inline", async () => {
    const { calls } = renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs?mode=logql",
      handlers: {
        LogServices: services,
        Logs: (v) =>
          v.query === "{service=" ? ({ errors: [{ message: "query: expected a string at column 10", extensions: { code: "BAD_USER_INPUT" } }] } as never) : logPage([logRecord(1)]),
      },
    });
    await screen.findAllByTestId("log-line");
    expect(screen.queryByLabelText("Level")).not.toBeInTheDocument();
    const box = screen.getByRole("textbox", { name: "LogQL query" });
    await userEvent.type(box, "{{service={Enter}");
    expect(await screen.findByTestId("logql-error")).toHaveTextContent("query: expected a string at column 10");
    expect(box).toHaveAttribute("aria-invalid", "true");
    expect(pages(calls).at(-1)).toMatchObject({ filter: null, query: "{service=" });
    // Only inline: no separate alert box for it.
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });

  it("has an empty state, and an error state naming the refused filter", async () => {
    renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs?range=15m",
      handlers: { LogServices: services, Logs: () => logPage([]) },
    });
    expect(await screen.findByText(/No log records match\. A longer time range may find some\./)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load older" })).not.toBeInTheDocument();
  });

  it("shows a refused filter as an error, not as an empty log", async () => {
    renderWithApi(<LogsPage />, {
      path: "/logs",
      route: "/logs?services=apii",
      handlers: {
        LogServices: services,
        Logs: () => ({ errors: [{ message: "filter.services: unknown service `apii` (one of api, worker)", extensions: { code: "BAD_USER_INPUT" } }] }) as never,
      },
    });
    expect(await screen.findByRole("alert")).toHaveTextContent("The search was refused: filter.services: unknown service `apii`");
    expect(screen.queryByText(/No log records match/)).not.toBeInTheDocument();
    // The unknown service stays in the picker, to be unchosen.
    expect(screen.getByRole("checkbox", { name: "apii" })).toBeChecked();
  });
});
