import { LabIcon } from '@jupyterlab/ui-components';

import catalogSvg from '../style/icons/catalog.svg';
import columnSvg from '../style/icons/column.svg';
import deltaSvg from '../style/icons/delta.svg';
import lakehouseSvg from '../style/icons/lakehouse.svg';
import parquetSvg from '../style/icons/parquet.svg';
import schemaSvg from '../style/icons/schema.svg';
import tableSvg from '../style/icons/table.svg';
import tempViewSvg from '../style/icons/tempView.svg';
import viewSvg from '../style/icons/view.svg';

/**
 * The Lakehouse sidebar's tab icon: a house over water.
 */
export const lakehouseIcon = new LabIcon({
  name: 'jupyter-lakehouse:lakehouse',
  svgstr: lakehouseSvg
});

/**
 * The catalog browser's icons: catalogs, schemas, tables by format, views,
 * temporary views and columns.
 */
export const catalogIcon = new LabIcon({
  name: 'jupyter-lakehouse:catalog',
  svgstr: catalogSvg
});
export const schemaIcon = new LabIcon({
  name: 'jupyter-lakehouse:schema',
  svgstr: schemaSvg
});
export const tableIcon = new LabIcon({
  name: 'jupyter-lakehouse:table',
  svgstr: tableSvg
});
export const deltaTableIcon = new LabIcon({
  name: 'jupyter-lakehouse:delta-table',
  svgstr: deltaSvg
});
export const parquetTableIcon = new LabIcon({
  name: 'jupyter-lakehouse:parquet-table',
  svgstr: parquetSvg
});
export const viewIcon = new LabIcon({
  name: 'jupyter-lakehouse:view',
  svgstr: viewSvg
});
export const tempViewIcon = new LabIcon({
  name: 'jupyter-lakehouse:temp-view',
  svgstr: tempViewSvg
});
export const columnIcon = new LabIcon({
  name: 'jupyter-lakehouse:column',
  svgstr: columnSvg
});
