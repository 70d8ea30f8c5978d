/**
 * Playwright for the Lakehouse UI tests: galata's defaults, Debian's
 * Chromium (Playwright must never download a browser), and a JupyterLab
 * server started for the run and stopped after it.
 *
 * `jupyter` must be on PATH (the Makefile puts .venv/bin there).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Must match ServerApp.port in jupyter_server_test_config.py.
const PORT = Number(process.env.LAKEHOUSE_UI_PORT || 8971);

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  workers: 1,
  retries: 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }]
  ],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    // Video needs Playwright's own ffmpeg download; traces do not.
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    cwd: __dirname,
    url: `http://127.0.0.1:${PORT}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false,
    // SIGTERM lets the server shut its kernels and the extension down cleanly.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15 * 1000 },
    stdout: 'ignore',
    stderr: 'pipe'
  }
};
