import { describe, expect, it } from "vitest";
import { draftOf, updateInput } from "./validation";
import { healthCheck } from "../../test/fixtures";

describe("updateInput", () => {
  const linked = healthCheck({ clusterId: "c1" });

  it("sends no link fields when the link is unchanged", () => {
    expect(updateInput(draftOf(linked), linked)).toEqual({});
  });

  it("links to another target, or sends null to remove the link", () => {
    expect(updateInput({ ...draftOf(linked), watches: "droplet:d1" }, linked)).toEqual({ dropletId: "d1" });
    expect(updateInput({ ...draftOf(linked), watches: "cluster:c2" }, linked)).toEqual({ clusterId: "c2" });
    expect(updateInput({ ...draftOf(linked), watches: "" }, linked)).toEqual({ clusterId: null });
  });
});
