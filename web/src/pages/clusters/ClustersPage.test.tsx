import { describe, expect, it } from "vitest";
import { act, screen } from "@testing-library/react";
import { ClustersPage } from "./ClustersPage";
import { ConnectionLostBanner } from "../../components/Layout";
import { renderWithApi } from "../../test/render";

describe("during an outage", () => {
  it("shows the network error, never a false 'No clusters yet', and a connection-lost banner", async () => {
    const { ws } = renderWithApi(
      <>
        <ConnectionLostBanner />
        <ClustersPage />
      </>,
      {
        path: "/clusters",
        route: "/clusters",
        handlers: { Clusters: () => ({ data: null, errors: [{ message: "Failed to fetch", extensions: { code: "UNAVAILABLE" } }] }) as never },
      },
    );
    act(() => ws.emit("connected"));
    act(() => ws.emit("closed"));
    expect(await screen.findByText("The server cannot do that right now; try again shortly.")).toBeInTheDocument();
    expect(screen.queryByText(/No clusters/)).not.toBeInTheDocument();
    expect(screen.getByTestId("connection-lost")).toHaveTextContent("Connection lost — data may be stale.");
    act(() => ws.emit("connected", true));
    expect(screen.queryByTestId("connection-lost")).not.toBeInTheDocument();
  });
});
