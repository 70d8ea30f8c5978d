import { LabIcon } from '@jupyterlab/ui-components';

import queryHistorySvg from '../../style/icons/queryHistory.svg';
import sqlQuerySvg from '../../style/icons/sqlQuery.svg';

/**
 * A SQL query file (the launcher card, the editor's tab).
 */
export const sqlQueryIcon = new LabIcon({
  name: 'jupyter-lakehouse:sql-query',
  svgstr: sqlQuerySvg
});

/**
 * The Query History panel.
 */
export const queryHistoryIcon = new LabIcon({
  name: 'jupyter-lakehouse:query-history',
  svgstr: queryHistorySvg
});
