import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { TimeChart, align, pointsFrom, type ChartSeries } from "./TimeChart";
import { RangePicker, rangeMs, type RangeValue } from "./RangePicker";
import { resizeObserved } from "../test/browser";
import { formatExact } from "../format/time";

const T0 = Date.parse("2026-12-02T14:00:00Z");
const at = (s: number) => T0 + s * 1000;

function cpu(values: (number | null)[]): ChartSeries {
  return { label: "CPU", unit: "percent", color: "#0284c7", points: values.map((v, i) => ({ t: at(i * 10), v })) };
}
function network(values: number[]): ChartSeries {
  return { label: "Network in", unit: "bytesPerSecond", color: "#16a34a", points: values.map((v, i) => ({ t: at(i * 10), v })) };
}

const legend = () =>
  within(screen.getByTestId("time-chart-legend"))
    .getAllByTestId("legend-item")
    .map((item) => item.textContent);

describe("TimeChart", () => {
  it("says so when there is nothing to draw", () => {
    render(<TimeChart title="CPU" series={[cpu([]), network([])]} empty="No samples yet." />);
    expect(screen.getByTestId("time-chart-empty")).toHaveTextContent("No samples yet.");
    expect(document.querySelector("canvas")).toBeNull();
    expect(legend()).toEqual(["CPU—", "Network in—"]);
  });

  it("draws every series with its unit, the latest values in the legend and in its accessible name", () => {
    render(<TimeChart title="Droplet web-1" series={[cpu([10, 37.5, null]), network([1000, 1_234_567, 2_500_000])]} />);
    expect(screen.getByRole("figure", { name: "Droplet web-1" })).toBeInTheDocument();
    expect(document.querySelector("canvas")).not.toBeNull();
    // A gap (null) is not the latest value: the last real one is.
    expect(legend()).toEqual(["CPU37.5%", "Network in2.5 MB/s"]);
    expect(screen.getByRole("img", { name: "Droplet web-1: CPU 37.5%, Network in 2.5 MB/s" })).toBeInTheDocument();
    expect(screen.getByTestId("time-chart-at")).toHaveTextContent("Latest");
    // Two units, two y axes (left and right) besides the time axis; values with their unit.
    const axes = document.querySelectorAll(".u-axis");
    expect(axes).toHaveLength(3);
  });

  it("shows the values at the hovered time", async () => {
    render(<TimeChart title="CPU" series={[cpu([10, 20, 30, 40]), network([100, 200, 300, 400])]} />);
    const plot = screen.getByTestId("time-chart-plot");
    // uPlot lays out in a microtask.
    await act(async () => resizeObserved(plot, 600));
    const over = plot.querySelector(".u-over") as HTMLElement;
    const width = parseFloat(over.style.width);
    // The first sample sits at the left edge of the plot area, the last at its right edge.
    act(() => void fireEvent.mouseMove(over, { clientX: 1, clientY: 10 }));
    expect(legend()).toEqual(["CPU10%", "Network in100 B/s"]);
    expect(screen.getByTestId("time-chart-at")).toHaveTextContent(formatExact(new Date(at(0))));
    act(() => void fireEvent.mouseMove(over, { clientX: (width * 2) / 3, clientY: 10 }));
    expect(legend()).toEqual(["CPU30%", "Network in300 B/s"]);
    expect(screen.getByTestId("time-chart-at")).toHaveTextContent(formatExact(new Date(at(20))));
    act(() => void fireEvent.mouseLeave(over));
    expect(legend()).toEqual(["CPU40%", "Network in400 B/s"]);
  });

  it("draws new points into the same chart, and follows its container's width", async () => {
    const { rerender } = render(<TimeChart title="CPU" series={[cpu([10, 20])]} />);
    const canvas = document.querySelector("canvas");
    rerender(<TimeChart title="CPU" series={[cpu([10, 20, 55])]} />);
    expect(document.querySelector("canvas")).toBe(canvas);
    expect(legend()).toEqual(["CPU55%"]);

    const plot = screen.getByTestId("time-chart-plot");
    const wrap = () => (plot.querySelector(".u-wrap") as HTMLElement).style.width;
    await act(async () => resizeObserved(plot, 480));
    expect(wrap()).toBe("480px");
    await act(async () => resizeObserved(plot, 720));
    expect(document.querySelector("canvas")).toBe(canvas);
    expect(wrap()).toBe("720px");

    // A different set of series is a different chart.
    rerender(<TimeChart title="CPU" series={[cpu([10, 20, 55]), network([1, 2, 3])]} />);
    expect(document.querySelector("canvas")).not.toBe(canvas);
    expect(document.querySelectorAll("canvas")).toHaveLength(1);
  });

  it("is fed from the API's DateTime samples, aligning series sampled at different times", () => {
    const a = { label: "a", unit: "count" as const, color: "red", points: pointsFrom([{ t: "2026-12-02T14:00:00Z", v: 1 }, { t: "2026-12-02T14:00:20Z", v: 3 }]) };
    const b = { label: "b", unit: "count" as const, color: "blue", points: pointsFrom([{ t: "2026-12-02T14:00:10Z", v: 2 }]) };
    expect(align([a, b])).toEqual([
      [T0 / 1000, T0 / 1000 + 10, T0 / 1000 + 20],
      [1, null, 3],
      [null, 2, null],
    ]);
  });

  it("holds a stepped series' level between its points, and nowhere before the first or after the last", () => {
    const metric = { label: "m", unit: "count" as const, color: "red", points: [0, 10, 20, 30, 40].map((s) => ({ t: at(s), v: s })) };
    const droplets = { label: "d", unit: "count" as const, color: "blue", step: true, points: [{ t: at(10), v: 4 }, { t: at(25), v: null }, { t: at(30), v: 8 }] };
    expect(align([metric, droplets])[2]).toEqual([null, 4, 4, null, 8, null]);
  });
});

describe("RangePicker", () => {
  function Picker() {
    const [range, setRange] = useState<RangeValue>("1h");
    return (
      <>
        <RangePicker value={range} onChange={setRange} label="Chart range" />
        <output data-testid="chosen">{range}</output>
      </>
    );
  }

  it("is a radio group of 15 min, 1 h, 24 h and 7 d that the keyboard moves through", async () => {
    render(<Picker />);
    const group = screen.getByRole("group", { name: "Chart range" });
    const radios = within(group).getAllByRole("radio");
    expect(radios.map((r) => r.getAttribute("aria-label"))).toEqual(["15 minutes", "1 hour", "24 hours", "7 days"]);
    expect(screen.getByRole("radio", { name: "1 hour" })).toBeChecked();

    await userEvent.click(screen.getByText("24h"));
    expect(screen.getByRole("radio", { name: "24 hours" })).toBeChecked();
    expect(screen.getByTestId("chosen")).toHaveTextContent("24h");

    await userEvent.keyboard("{ArrowRight}");
    expect(screen.getByRole("radio", { name: "7 days" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "7 days" })).toHaveFocus();
    expect(screen.getByTestId("chosen")).toHaveTextContent("7d");
    expect(rangeMs("15m")).toBe(15 * 60_000);
  });

  it("offers only the ranges asked for", () => {
    render(<RangePicker value="15m" onChange={() => {}} options={["15m", "1h"]} />);
    expect(screen.getAllByRole("radio")).toHaveLength(2);
  });
});
