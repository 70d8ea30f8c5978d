import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { apiPlugin } from './plugins/api';
import { launcherPlugin } from './plugins/launcher';
import { panelsPlugin } from './plugins/panels';
import { personaPlugin } from './plugins/persona';
import { sidebarPlugin } from './plugins/sidebar';

const plugins: JupyterFrontEndPlugin<any>[] = [
  apiPlugin,
  personaPlugin,
  panelsPlugin,
  launcherPlugin,
  sidebarPlugin
];

export default plugins;
