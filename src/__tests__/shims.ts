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
