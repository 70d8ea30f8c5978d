import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { apiPlugin } from './plugins/api';
import { catalogPlugin } from './plugins/catalog';
import { cellLanguagesPlugin } from './plugins/cellLanguages';
import { clusterPickerPlugin } from './plugins/clusterPicker';
import { computePlugin } from './plugins/compute';
import { databricksPlugin } from './plugins/databricks';
import { experimentsPlugin } from './plugins/experiments';
import { launcherPlugin } from './plugins/launcher';
import { modelsPlugin } from './plugins/models';
import { panelsPlugin } from './plugins/panels';
import { personaPlugin } from './plugins/persona';
import { progressPlugin } from './plugins/progress';
import { resultTablePlugin } from './plugins/resultTable';
import { sharedOutputOrderPlugin } from './plugins/sharedOutputOrder';
import { servingPlugin } from './plugins/serving';
import { sidebarPlugin } from './plugins/sidebar';
import { sqlEditorPlugin } from './plugins/sqlEditor';
import { queryHistoryPlugin } from './plugins/queryHistory';

const plugins: JupyterFrontEndPlugin<any>[] = [
  apiPlugin,
  personaPlugin,
  panelsPlugin,
  launcherPlugin,
  sidebarPlugin,
  computePlugin,
  catalogPlugin,
  experimentsPlugin,
  modelsPlugin,
  servingPlugin,
  clusterPickerPlugin,
  progressPlugin,
  resultTablePlugin,
  sharedOutputOrderPlugin,
  cellLanguagesPlugin,
  sqlEditorPlugin,
  queryHistoryPlugin,
  databricksPlugin
];

export default plugins;
