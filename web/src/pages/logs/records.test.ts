import { describe, expect, it } from "vitest";
import { kindOfField, resourcePath, resourcesOf } from "./records";
import { logRecord } from "../../test/fixtures";

const D = "0a6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f";
const H = "9f6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f";

describe("the resources a log record names", () => {
  it("takes the kind from the field's name, or from target_type for a target", () => {
    expect(kindOfField("droplet_id", {})).toBe("Droplet");
    expect(kindOfField("cluster", {})).toBe("Cluster");
    expect(kindOfField("job.id", {})).toBe("Job");
    expect(kindOfField("health_check_id", {})).toBe("HealthCheck");
    expect(kindOfField("healthCheckId", {})).toBe("HealthCheck");
    expect(kindOfField("check_id", {})).toBe("HealthCheck");
    expect(kindOfField("target_id", { target_type: "Droplet" })).toBe("Droplet");
    expect(kindOfField("target_id", { target_type: "Region" })).toBeNull();
    expect(kindOfField("id", {})).toBeNull();
    expect(kindOfField("position", {})).toBeNull();
  });

  it("lists resourceIds first, adds kinds from fields, and ids of a known kind the server did not list", () => {
    const r = logRecord(1, { resourceIds: ["opaque", D], fields: { droplet_id: D, health_check_id: H, count: 3, droplet: "" } });
    expect(resourcesOf(r)).toEqual([
      { id: "opaque", kind: null, fields: [] },
      { id: D, kind: "Droplet", fields: ["droplet_id"] },
      { id: H, kind: "HealthCheck", fields: ["health_check_id"] },
    ]);
    expect(resourcePath("HealthCheck", H)).toBe(`/health-checks/${H}`);
  });
});
