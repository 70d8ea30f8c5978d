/**
 * jsdom has no asynchronous Clipboard API; JupyterLab's apputils warns at
 * import time without one. An empty stand-in keeps the test output clean
 * (no test here touches the clipboard).
 */
if (!navigator.clipboard) {
  Object.defineProperty(navigator, 'clipboard', {
    value: {},
    configurable: true
  });
}

/**
 * jsdom has no canvas. The result grid (Lumino's DataGrid) draws on one;
 * a stand-in 2D context that records nothing lets it run, and measures text
 * at 7 px a character so that layout code has numbers to work with. No
 * test here looks at pixels.
 */
function fakeContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state: Record<string | symbol, unknown> = {
    canvas,
    fillStyle: '#000000',
    strokeStyle: '#000000',
    font: '10px sans-serif',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    lineWidth: 1,
    globalAlpha: 1,
    imageSmoothingEnabled: true
  };
  const methods: Record<string, (...args: any[]) => unknown> = {
    measureText: (text: string) => ({ width: String(text).length * 7 }),
    getImageData: (_x: number, _y: number, w: number, h: number) => ({
      width: w,
      height: h,
      data: new Uint8ClampedArray(w * h * 4)
    }),
    createLinearGradient: () => ({ addColorStop: () => undefined }),
    getTransform: () => ({ a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 })
  };
  return new Proxy(state, {
    get(target, prop) {
      if (prop in target) {
        return target[prop];
      }
      if (typeof prop === 'string' && prop in methods) {
        return methods[prop];
      }
      return () => undefined;
    },
    set(target, prop, value) {
      target[prop] = value;
      return true;
    }
  }) as unknown as CanvasRenderingContext2D;
}

Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
  configurable: true,
  value: function (this: HTMLCanvasElement, kind: string) {
    if (kind !== '2d') {
      return null;
    }
    const self = this as HTMLCanvasElement & {
      _lakehouseContext?: CanvasRenderingContext2D;
    };
    self._lakehouseContext ??= fakeContext(this);
    return self._lakehouseContext;
  }
});
