import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { CombinedError } from "urql";
import { GraphQLError } from "graphql";
import { ErrorNotice } from "./ErrorNotice";

describe("ErrorNotice", () => {
  it("shows each error's code, an explanation and the server's message", () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError("droplet not found", { extensions: { code: "NOT_FOUND" } })],
    });
    render(<ErrorNotice error={error} />);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("NOT_FOUND");
    expect(alert).toHaveTextContent("It does not exist");
    expect(alert).toHaveTextContent("droplet not found");
  });

  it("prefers a context hint and shows network failures as NETWORK", () => {
    const conflict = new CombinedError({ graphQLErrors: [new GraphQLError("taken", { extensions: { code: "CONFLICT" } })] });
    const { rerender } = render(<ErrorNotice error={conflict} hints={{ CONFLICT: "Pick another name." }} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Pick another name.");
    rerender(<ErrorNotice error={new CombinedError({ networkError: new Error("Failed to fetch") })} />);
    expect(screen.getByTestId("error-code")).toHaveTextContent("NETWORK");
  });

  it("renders nothing without an error", () => {
    const { container } = render(<ErrorNotice error={null} />);
    expect(container).toBeEmptyDOMElement();
  });
});
