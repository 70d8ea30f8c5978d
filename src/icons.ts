import { LabIcon } from '@jupyterlab/ui-components';

import lakehouseSvg from '../style/icons/lakehouse.svg';

/**
 * The Lakehouse sidebar's tab icon: a house over water.
 */
export const lakehouseIcon = new LabIcon({
  name: 'jupyter-lakehouse:lakehouse',
  svgstr: lakehouseSvg
});
