import { describe, expect, it } from "vitest";
import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { never } from "wonka";
import { LoginPage } from "./LoginPage";
import { fixedAuth, meAs, renderWithApi, type Handlers } from "../../test/render";

const anonymous = () => fixedAuth(meAs(null));

function login(handlers: Handlers, auth = anonymous(), route = "/login?next=%2Fclusters") {
  renderWithApi(<LoginPage />, { path: "/login", route, handlers, auth });
  return auth;
}

async function submit(username = "alice", password = "wrong-password") {
  await userEvent.type(screen.getByLabelText("User name"), username);
  await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

const refusal = (code: string, extensions: Record<string, unknown> = {}) => () =>
  ({ data: null, errors: [{ message: "refused", path: ["login"], extensions: { code, ...extensions } }] }) as never;

describe("the login page", () => {
  it("says a wrong name or password plainly, and stays", async () => {
    const auth = login({ Login: refusal("UNAUTHENTICATED") });
    await submit();
    expect(await screen.findByTestId("login-error")).toHaveTextContent("Invalid user name or password.");
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(auth.signedInWith).toEqual([]);
  });

  it("counts down the wait the server asks for after too many attempts, the button disabled meanwhile", async () => {
    login({ Login: refusal("RATE_LIMITED", { retryAfterSeconds: 2 }) });
    await submit();
    expect(await screen.findByTestId("login-error")).toHaveTextContent("Too many sign-in attempts. Try again in 2 s.");
    await userEvent.type(screen.getByLabelText("Password"), "again");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeDisabled();
    expect(await screen.findByText(/Try again in 1 s\./, undefined, { timeout: 2000 })).toBeInTheDocument();
    expect(await screen.findByText(/You can try again now\./, undefined, { timeout: 2000 })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("disables the button while signing in", async () => {
    login({ Login: () => never });
    await submit("alice", "right-password");
    const button = screen.getByRole("button", { name: "Signing in…" });
    expect(button).toBeDisabled();
  });

  it("starts the session with the token and goes back to where the user was", async () => {
    const auth = login({
      Login: () => ({ data: { login: { __typename: "LoginPayload", token: "session-token", expiresAt: "2030-01-01T00:00:00Z", user: { __typename: "LoginUser", id: "u1", username: "alice", role: "VIEWER" } } } }),
    });
    await submit("alice", "right-password");
    await act(async () => {});
    expect(auth.signedInWith).toEqual(["session-token → /clusters"]);
  });

  it("shows other failures as the usual error notice", async () => {
    login({ Login: refusal("UNAVAILABLE") });
    await submit();
    expect(await screen.findByText("The server cannot do that right now; try again shortly.")).toBeInTheDocument();
  });

  it("in local mode offers to go on without signing in", () => {
    login({}, fixedAuth(), "/login?next=%2Faudit");
    expect(screen.getByRole("link", { name: "Continue as the local operator" })).toHaveAttribute("href", "/audit");
  });
});
