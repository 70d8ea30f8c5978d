import { MySQL, PostgreSQL, sql } from '@codemirror/lang-sql';
import { language } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { ICodeCellModel } from '@jupyterlab/cells';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { NotebookModel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';

import { cellLanguageExtension } from '../components/cellLanguageExtension';
import { sparkSql } from '../components/sparkSql';
import {
  CellLanguageMimeTypes,
  detectCellLanguage,
  NotebookCellLanguages
} from '../models/cellLanguages';
import { quietYjsWarnings } from './helpers';

quietYjsWarnings();

describe('detectCellLanguage', () => {
  it.each([
    ['%sql\nSELECT 1', 'sql'],
    ['%%sql\nSELECT 1', 'sql'],
    ['%sql SELECT 1', 'sql'],
    ['%sql', 'sql'],
    ['%scala\nval x = 1', 'scala'],
    ['%%scala', 'scala'],
    ['%r\nx <- 1', 'r'],
    ['%%r', 'r'],
    ['%md\n# Title', 'markdown'],
    ['%%md', 'markdown'],
    ['\n\n  %sql  \nSELECT 1', 'sql'],
    ['\r\n%scala\r\nval x = 1', 'scala'],
    ['\t%sql\tSELECT 1', 'sql'],
    ['%python\nprint(1)', 'kernel'],
    ['%sqlx\nSELECT 1', 'kernel'],
    ['%SQL\nSELECT 1', 'kernel'],
    ['%%%sql', 'kernel'],
    ['% sql', 'kernel'],
    ['%run other.ipynb', 'kernel'],
    ['%rr', 'kernel'],
    ['%markdown', 'kernel'],
    ['x = 1\n%sql', 'kernel'],
    ['# %sql\nSELECT 1', 'kernel'],
    ['', 'kernel'],
    ['\n  \n', 'kernel']
  ])('%j is %s', (source, language) => {
    expect(detectCellLanguage(source)).toBe(language);
  });
});

const MIME: CellLanguageMimeTypes = {
  sql: 'text/x-sparksql',
  scala: 'text/x-scala',
  r: 'text/x-rsrc',
  markdown: 'text/x-ipythongfm'
};

/**
 * What the notebook widget gives: its model and its kernel's MIME type.
 */
class FakeNotebook {
  constructor(public model: NotebookModel | null) {}
  codeMimetype = 'text/x-ipython';
  modelChanged = new Signal<this, void>(this);

  /**
   * What the notebook does when the kernel's language changes.
   */
  setKernelLanguage(mimeType: string): void {
    this.codeMimetype = mimeType;
    for (const cell of this.model?.cells ?? []) {
      if (cell.type === 'code') {
        cell.mimeType = mimeType;
      }
    }
  }
}

/**
 * A notebook model holding cells, as loaded from a file.
 */
function notebook(
  cells: { cell_type: 'code' | 'markdown'; source: string }[]
): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON({
    cells: cells.map(c => ({
      ...c,
      metadata: {},
      ...(c.cell_type === 'code' ? { outputs: [], execution_count: null } : {})
    })) as any,
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5
  });
  return model;
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0));

describe('NotebookCellLanguages', () => {
  let model: NotebookModel;
  let host: FakeNotebook;
  let languages: NotebookCellLanguages;
  const cell = (i: number) => model.cells.get(i) as ICodeCellModel;
  const mimeTypes = () => [...model.cells].map(c => c.mimeType);

  beforeEach(() => {
    model = notebook([
      { cell_type: 'code', source: '%sql\nSELECT 1' },
      { cell_type: 'code', source: 'x = 1' },
      { cell_type: 'markdown', source: '# Notes' },
      { cell_type: 'code', source: '%%scala\nval y = 2' }
    ]);
    host = new FakeNotebook(model);
    languages = new NotebookCellLanguages({ host, mimeTypes: MIME });
  });

  afterEach(() => {
    languages.dispose();
    model.dispose();
  });

  it('highlights each code cell in its first-line language', () => {
    expect([cell(0).mimeType, cell(1).mimeType, cell(3).mimeType]).toEqual([
      'text/x-sparksql',
      'text/x-ipython',
      'text/x-scala'
    ]);
  });

  it('follows the first line as it is typed', () => {
    cell(1).sharedModel.setSource('%r\nx <- 1');
    expect(cell(1).mimeType).toBe('text/x-rsrc');
    cell(1).sharedModel.updateSource(0, 2, '%rx');
    expect(cell(1).mimeType).toBe('text/x-ipython');
    cell(0).sharedModel.setSource('%md\n# Title');
    expect(cell(0).mimeType).toBe('text/x-ipythongfm');
  });

  it('covers cells added later', () => {
    model.sharedModel.insertCell(1, {
      cell_type: 'code',
      source: '%sql SELECT 2'
    });
    expect(cell(1).mimeType).toBe('text/x-sparksql');
  });

  it('puts the cell languages back when the kernel language changes', async () => {
    host.setKernelLanguage('text/x-julia');
    // The notebook reset every code cell; ours come back right after.
    await tick();
    expect([cell(0).mimeType, cell(1).mimeType, cell(3).mimeType]).toEqual([
      'text/x-sparksql',
      'text/x-julia',
      'text/x-scala'
    ]);
  });

  it('follows a new model', () => {
    const other = notebook([{ cell_type: 'code', source: '%r' }]);
    host.model = other;
    host.modelChanged.emit();
    expect(other.cells.get(0).mimeType).toBe('text/x-rsrc');
    // The old model is no longer followed.
    cell(1).sharedModel.setSource('%sql');
    expect(cell(1).mimeType).not.toBe('text/x-sparksql');
    other.dispose();
  });

  it('stops fighting something else that keeps setting a MIME type', async () => {
    for (let i = 0; i < 8; i++) {
      cell(0).mimeType = 'text/x-python';
      await tick();
    }
    expect(cell(0).mimeType).toBe('text/x-python');
  });

  it('lets cells go when disposed', () => {
    languages.dispose();
    cell(1).sharedModel.setSource('%sql');
    expect(mimeTypes()[1]).toBe('text/x-ipython');
    expect(languages.isDisposed).toBe(true);
  });
});

describe('the cell language editor extension', () => {
  /**
   * A language support that can be told apart from the others.
   */
  const spark = sparkSql();
  const postgres = sql({ dialect: PostgreSQL });
  const forced = sql({ dialect: MySQL });

  function editor(mimeType: string, load: (mime: string) => Promise<any>) {
    const model = new CodeEditor.Model({ mimeType });
    const view = new EditorView({
      state: EditorState.create({
        doc: '%sql\nSELECT 1',
        // What jupysql-plugin does: force a language on every editor.
        extensions: [forced, cellLanguageExtension(model, load)]
      }),
      parent: document.body
    });
    return { model, view };
  }
  const current = (view: EditorView) => view.state.facet(language);

  it("highlights in the model's language, above a forced one", async () => {
    const { model, view } = editor('text/x-sparksql', async mime =>
      mime === 'text/x-sparksql' ? spark : postgres
    );
    expect(current(view)).toBe(forced.language);
    await tick();
    expect(current(view)).toBe(spark.language);
    model.mimeType = 'text/x-pgsql';
    await tick();
    expect(current(view)).toBe(postgres.language);
    view.destroy();
    model.mimeType = 'text/x-sparksql';
    await tick();
    model.dispose();
  });

  it('never lets a slow load land after a later change', async () => {
    let release = () => undefined as void;
    const slow = new Promise<any>(resolve => (release = () => resolve(spark)));
    const { model, view } = editor('text/x-sparksql', mime =>
      mime === 'text/x-sparksql' ? slow : Promise.resolve(postgres)
    );
    await tick();
    model.mimeType = 'text/x-pgsql';
    await tick();
    expect(current(view)).toBe(postgres.language);
    release();
    await tick();
    expect(current(view)).toBe(postgres.language);
    view.destroy();
    model.dispose();
  });

  it('leaves the editor alone for a language it cannot load', async () => {
    const { model, view } = editor('text/plain', async () => null);
    await tick();
    expect(current(view)).toBe(forced.language);
    view.destroy();
    model.dispose();
  });
});
