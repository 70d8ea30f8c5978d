import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { apiPlugin } from './plugins/api';
import { catalogPlugin } from './plugins/catalog';
import { cellLanguagesPlugin } from './plugins/cellLanguages';
import { clusterPickerPlugin } from './plugins/clusterPicker';
import { computePlugin } from './plugins/compute';
import { launcherPlugin } from './plugins/launcher';
import { panelsPlugin } from './plugins/panels';
import { personaPlugin } from './plugins/persona';
import { progressPlugin } from './plugins/progress';
import { resultTablePlugin } from './plugins/resultTable';
import { sidebarPlugin } from './plugins/sidebar';

const plugins: JupyterFrontEndPlugin<any>[] = [
  apiPlugin,
  personaPlugin,
  panelsPlugin,
  launcherPlugin,
  sidebarPlugin,
  computePlugin,
  catalogPlugin,
  clusterPickerPlugin,
  progressPlugin,
  resultTablePlugin,
  cellLanguagesPlugin
];

export default plugins;
