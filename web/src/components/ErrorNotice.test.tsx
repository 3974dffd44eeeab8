import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { CombinedError } from "urql";
import { GraphQLError } from "graphql";
import { ErrorNotice } from "./ErrorNotice";

describe("ErrorNotice", () => {
  it("shows a plain sentence, with the code and the server's message behind Details", () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError("droplet not found", { extensions: { code: "NOT_FOUND" } })],
    });
    render(<ErrorNotice error={error} />);
    const alert = screen.getByRole("alert");
    expect(alert.querySelector("p")).toHaveTextContent("It does not exist (any more).");
    const details = alert.querySelector("details")!;
    expect(details).not.toHaveAttribute("open");
    expect(details).toHaveTextContent("NOT_FOUND");
    expect(details).toHaveTextContent("droplet not found");
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
