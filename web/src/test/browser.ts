// What jsdom lacks and the charts (uPlot) use: a 2D canvas context, Path2D, matchMedia and
// ResizeObserver. The stand-ins draw nothing; tests look at the DOM around the canvas.

/** A 2D context whose every method does nothing; text is 6 px per character wide. */
function canvasContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state: Record<string | symbol, unknown> = { canvas };
  return new Proxy(state, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (prop === "measureText") return (text: string) => ({ width: text.length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
      if (prop === "getImageData") return () => ({ data: new Uint8ClampedArray(4) });
      return () => undefined;
    },
    set(target, prop, value) {
      target[prop] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

Object.defineProperty(HTMLCanvasElement.prototype, "getContext", {
  configurable: true,
  value(this: HTMLCanvasElement, kind: string) {
    if (kind !== "2d") return null;
    const self = this as HTMLCanvasElement & { __context?: CanvasRenderingContext2D };
    return (self.__context ??= canvasContext(this));
  },
});

if (!("Path2D" in globalThis)) {
  class Path2DStandIn {
    addPath() {}
    closePath() {}
    moveTo() {}
    lineTo() {}
    bezierCurveTo() {}
    quadraticCurveTo() {}
    arc() {}
    arcTo() {}
    ellipse() {}
    rect() {}
    roundRect() {}
  }
  Object.defineProperty(globalThis, "Path2D", { configurable: true, writable: true, value: Path2DStandIn });
}

if (!window.matchMedia) {
  Object.defineProperty(window, "matchMedia", {
    configurable: true,
    writable: true,
    value: (query: string): MediaQueryList =>
      ({
        matches: false,
        media: query,
        onchange: null,
        addListener: () => {},
        removeListener: () => {},
        addEventListener: () => {},
        removeEventListener: () => {},
        dispatchEvent: () => false,
      }) as MediaQueryList,
  });
}

/** The observers alive, so a test can resize what they watch (`resizeObserved`); on
 * `globalThis`, one set however many times this module is loaded. */
const resizeObservers: Set<ResizeObserverStandIn> = ((globalThis as { __resizeObservers?: Set<ResizeObserverStandIn> }).__resizeObservers ??= new Set());

class ResizeObserverStandIn {
  readonly targets = new Set<Element>();
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.targets.add(target);
    resizeObservers.add(this);
  }
  unobserve(target: Element) {
    this.targets.delete(target);
  }
  disconnect() {
    this.targets.clear();
    resizeObservers.delete(this);
  }
  /** Reports `target` as now `width` × `height` CSS pixels. */
  resize(target: Element, width: number, height: number) {
    if (!this.targets.has(target)) return;
    const rect = { width, height, x: 0, y: 0, top: 0, left: 0, right: width, bottom: height } as DOMRectReadOnly;
    this.callback([{ target, contentRect: rect } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
}

if (!("ResizeObserver" in globalThis)) {
  Object.defineProperty(globalThis, "ResizeObserver", { configurable: true, writable: true, value: ResizeObserverStandIn });
}

/** Tells every observer of `target` that it is now `width` × `height`. */
export function resizeObserved(target: Element, width: number, height = 200) {
  for (const o of resizeObservers) o.resize(target, width, height);
}
