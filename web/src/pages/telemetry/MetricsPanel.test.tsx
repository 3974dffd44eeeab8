import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DropletMetrics, citedWindow } from "./MetricsPanel";
import { renderWithApi } from "../../test/render";

const series = (metric: string) => ({ metric, unit: "percent", stepSeconds: 10, resolution: "RAW", points: [], latest: null });
const answer = {
  data: {
    droplet: {
      id: "d1",
      status: "RUNNING",
      injectedLoad: null,
      cpu: series("CPU"),
      memory: series("MEMORY"),
      disk: series("DISK"),
      networkIn: series("NETWORK_IN"),
      networkOut: series("NETWORK_OUT"),
      load1: series("LOAD1"),
    },
  },
};

describe("metrics at a cited window", () => {
  it("reads a window from the URL only when it is one", () => {
    expect(citedWindow(new URLSearchParams("metric=cpu&from=2026-12-03T10:00:00Z&to=2026-12-03T10:30:00Z"))).toEqual({
      metric: "CPU",
      from: "2026-12-03T10:00:00.000Z",
      to: "2026-12-03T10:30:00.000Z",
    });
    expect(citedWindow(new URLSearchParams("from=2026-12-03T10:30:00Z&to=2026-12-03T10:00:00Z"))).toBeNull();
    expect(citedWindow(new URLSearchParams("from=soon&to=later"))).toBeNull();
  });

  it("shows the window a diagnosis cited, its chart marked, until the reader goes back to live", async () => {
    const ranges: unknown[] = [];
    renderWithApi(<DropletMetrics id="d1" name="web-1" />, {
      path: "/droplets/:id",
      route: "/droplets/d1?metric=CPU&from=2026-12-03T10:00:00Z&to=2026-12-03T10:30:00Z",
      handlers: {
        DropletMetrics: (v) => {
          ranges.push(v.range);
          return answer;
        },
      },
    });
    const banner = await screen.findByTestId("cited-window");
    expect(banner).toHaveTextContent("Showing CPU from");
    expect(ranges[0]).toEqual({ from: "2026-12-03T10:00:00.000Z", to: "2026-12-03T10:30:00.000Z" });
    expect(screen.getByTestId("cited-chart")).toHaveTextContent("CPU, memory and disk");
    expect(screen.getByRole("radio", { name: "1 hour" })).not.toBeChecked();
    await userEvent.setup().click(screen.getByRole("button", { name: "Back to live" }));
    await waitFor(() => expect(ranges.at(-1)).toEqual({ last: "1h" }));
    expect(screen.queryByTestId("cited-window")).not.toBeInTheDocument();
    expect(screen.getByRole("radio", { name: "1 hour" })).toBeChecked();
  });
});
