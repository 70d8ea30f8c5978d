import { LabIcon } from '@jupyterlab/ui-components';

import experimentSvg from '../style/icons/experiment.svg';
import modelSvg from '../style/icons/model.svg';

/**
 * The Experiments panel's icon: a flask.
 */
export const experimentIcon = new LabIcon({
  name: 'jupyter-lakehouse:experiment',
  svgstr: experimentSvg
});

/**
 * The Models panel's icon: a cube.
 */
export const modelIcon = new LabIcon({
  name: 'jupyter-lakehouse:model',
  svgstr: modelSvg
});
