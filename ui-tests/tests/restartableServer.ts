/**
 * A JupyterLab server a spec starts, stops and starts again itself
 * (Playwright's `webServer` cannot restart in the middle of a test): the
 * UI tests' own config, on its own port, with a root and a workspace home
 * kept across restarts. Stopped by its pid: SIGTERM, then SIGKILL after 5 s
 * (a stopping server with collaboration on can hang at exit on an AnyIO
 * worker thread, jupyter-collaboration #161); kernels it leaves behind are
 * stopped by their pids too.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie is gone for our purposes.
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
      .toString()
      .trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export class RestartableServer {
  constructor(readonly port: number) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lakehouse-collab-'));
    this.root = path.join(base, 'root');
    this.home = path.join(base, 'home');
    this.logFile = path.join(base, 'server.log');
    fs.mkdirSync(this.root);
    fs.mkdirSync(this.home);
  }

  readonly root: string;
  readonly home: string;
  readonly logFile: string;

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = fs.openSync(this.logFile, 'a');
    this._proc = spawn(
      'jupyter',
      ['lab', '--config', 'jupyter_server_test_config.py'],
      {
        cwd: path.join(__dirname, '..'),
        env: {
          ...process.env,
          LAKEHOUSE_UI_PORT: String(this.port),
          LAKEHOUSE_UI_HOME: this.home,
          JUPYTERLAB_GALATA_ROOT_DIR: this.root
        },
        stdio: ['ignore', log, log]
      }
    );
    fs.closeSync(log);
    for (let i = 0; i < 240; i++) {
      if (this._proc.exitCode !== null) {
        throw new Error(`the server exited; see ${this.logFile}`);
      }
      try {
        const response = await fetch(`${this.baseURL}/api/status`);
        if (response.ok) {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(500);
    }
    throw new Error(`the server did not start; see ${this.logFile}`);
  }

  /**
   * Stop the server (SIGTERM: a graceful stop, so pending saves are
   * written), then whatever kernels it left.
   */
  async stop(): Promise<void> {
    const proc = this._proc;
    if (!proc?.pid) {
      return;
    }
    this._proc = null;
    const pid = proc.pid;
    const kernels = children(pid);
    if (alive(pid)) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 20 && alive(pid); i++) {
        await sleep(250);
      }
      if (alive(pid)) {
        console.log(`server ${pid} still running 5 s after SIGTERM: SIGKILL`);
        process.kill(pid, 'SIGKILL');
        for (let i = 0; i < 20 && alive(pid); i++) {
          await sleep(250);
        }
      }
    }
    for (const kernel of kernels) {
      if (alive(kernel)) {
        process.kill(kernel, 'SIGKILL');
      }
    }
  }

  /**
   * Delete the root, the home and the log (the server must be stopped).
   */
  remove(): void {
    fs.rmSync(path.dirname(this.root), { recursive: true, force: true });
  }

  readLog(): string {
    return fs.existsSync(this.logFile)
      ? fs.readFileSync(this.logFile, 'utf-8')
      : '';
  }

  private _proc: ChildProcess | null = null;
}
