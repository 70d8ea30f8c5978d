/**
 * Types of the Databricks notebook formats routes (`lakehouse/api/databricks/…`).
 */

/**
 * A Databricks notebook language (the notebook's default; cells may differ).
 */
export type DatabricksLanguage = 'python' | 'sql' | 'scala' | 'r';

/**
 * `dbc`: a `.dbc` archive (a notebook or a folder); `source`: one notebook as
 * a `.py`, `.sql`, `.scala` or `.r` Databricks source file.
 */
export type DatabricksFormat = 'dbc' | 'source';

export interface IDatabricksImportRequest {
  /**
   * A `.dbc` archive or a Databricks source file, relative to the served folder.
   */
  path: string;
  /**
   * The folder to write under (default: beside the archive).
   */
  destination?: string;
  overwrite?: boolean;
}

export interface IDatabricksImport {
  source: string;
  destination: string;
  notebooks: { path: string; language: DatabricksLanguage; cells: number }[];
  /**
   * Archive entries that are not notebooks.
   */
  skipped: string[];
}

export interface IDatabricksExportRequest {
  /**
   * A notebook (`.ipynb` or Databricks source) or, for `dbc`, a folder.
   */
  path: string;
  format: DatabricksFormat;
  destination?: string;
  overwrite?: boolean;
}

export interface IDatabricksExport {
  path: string;
  format: DatabricksFormat;
  size: number;
}

/**
 * A file to hand to the browser as a download.
 */
export interface IDatabricksDownload {
  name: string;
  blob: Blob;
}
