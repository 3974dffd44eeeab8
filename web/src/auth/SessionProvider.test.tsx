import { afterEach, describe, expect, it } from "vitest";
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { SessionProvider } from "./SessionProvider";
import { useAuth } from "./AuthContext";
import type { ApiClients, Credentials } from "../graphql/client";
import { fakeWs, meAs, mockClient } from "../test/render";
import type { MeFieldsFragment } from "../gql/graphql";

const KEY = "clustergenie.session";

/** A `connect` whose sessions answer `me` by token, recording every session opened. */
function fakeConnect(meByToken: (token: string | null) => MeFieldsFragment) {
  const opened: (Credentials & { disposed: boolean })[] = [];
  const connect = (c: Credentials): ApiClients => {
    const entry = { ...c, disposed: false };
    opened.push(entry);
    const ws = fakeWs();
    ws.dispose = () => {
      entry.disposed = true;
    };
    return { ws, client: mockClient({ Me: () => ({ data: { me: meByToken(c.token) } }) }) };
  };
  return { connect, opened };
}

function Probe() {
  const auth = useAuth();
  const location = useLocation();
  return (
    <div>
      <p data-testid="who">
        {auth.me.actor} {auth.role ?? "none"} {auth.signedIn ? "signed-in" : "not-signed-in"} {auth.mode}
      </p>
      <p data-testid="where">{location.pathname + location.search}</p>
      <p data-testid="ended">{auth.ended}</p>
      <button onClick={() => auth.signIn("new-token", "/jobs")}>sign in</button>
      <button onClick={auth.signOut}>sign out</button>
    </div>
  );
}

function mount(connect: (c: Credentials) => ApiClients, route = "/clusters?name=x") {
  return render(
    <MemoryRouter initialEntries={[route]}>
      <SessionProvider connect={connect}>
        <Routes>
          <Route path="*" element={<Probe />} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}

const viewer = meAs("VIEWER", { actor: "vera" });
const anonymous = meAs(null);

afterEach(() => localStorage.clear());

describe("the session", () => {
  it("sends the stored token on both transports and learns the role from me", async () => {
    localStorage.setItem(KEY, "stored-token");
    const { connect, opened } = fakeConnect((t) => (t ? viewer : anonymous));
    mount(connect);
    expect(await screen.findByTestId("who")).toHaveTextContent("vera VIEWER signed-in required");
    expect(opened.map((o) => o.token)).toEqual(["stored-token"]);
  });

  it("drops a refused token, opens a session without it, and sends to the login page keeping the place", async () => {
    localStorage.setItem(KEY, "revoked-token");
    const { connect, opened } = fakeConnect((t) => (t ? viewer : anonymous));
    mount(connect);
    await screen.findByText(/vera VIEWER/);
    act(() => opened[0].onRefused());
    expect(await screen.findByTestId("who")).toHaveTextContent("anonymous none not-signed-in required");
    expect(screen.getByTestId("where")).toHaveTextContent("/login?next=%2Fclusters%3Fname%3Dx");
    expect(screen.getByTestId("ended")).toHaveTextContent("Your session ended");
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(opened.map((o) => [o.token, o.disposed])).toEqual([
      ["revoked-token", true],
      [null, false],
    ]);
    // A second refusal of the same (gone) token changes nothing.
    act(() => opened[0].onRefused());
    expect(opened).toHaveLength(2);
  });

  it("signing in keeps the token, reconnects with it and goes on; signing out forgets it", async () => {
    const { connect, opened } = fakeConnect((t) => (t ? viewer : meAs("ADMIN")));
    mount(connect, "/login");
    expect(await screen.findByTestId("who")).toHaveTextContent("local ADMIN not-signed-in local");
    await userEvent.click(screen.getByRole("button", { name: "sign in" }));
    expect(await screen.findByText(/vera VIEWER signed-in/)).toBeInTheDocument();
    expect(localStorage.getItem(KEY)).toBe("new-token");
    expect(screen.getByTestId("where")).toHaveTextContent("/jobs");
    expect(opened.map((o) => o.token)).toEqual([null, "new-token"]);
    expect(opened[0].disposed).toBe(true);
    await userEvent.click(screen.getByRole("button", { name: "sign out" }));
    expect(await screen.findByText(/local ADMIN not-signed-in/)).toBeInTheDocument();
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(screen.getByTestId("where")).toHaveTextContent("/login");
    expect(screen.getByTestId("ended")).toBeEmptyDOMElement();
  });
});
