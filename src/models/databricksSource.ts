/**
 * Which files are Databricks notebooks, as the server decides it
 * (`jupyter_lakehouse/databricks/source.py:detect`): the first line of a
 * source notebook is `# Databricks notebook source` (Python and R),
 * `-- Databricks notebook source` (SQL) or `// Databricks notebook source`
 * (Scala).
 */

import type { DatabricksLanguage } from '../databricksTypes';

/**
 * The file extensions a Databricks source notebook may have.
 */
export const SOURCE_EXTENSIONS: readonly string[] = [
  '.py',
  '.sql',
  '.scala',
  '.r'
];

const HEADER = /^(#|--|\/\/) Databricks notebook source[ \t]*$/;

/**
 * The lower-cased extension of a path (`''` when there is none).
 */
export function extensionOf(path: string): string {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * Whether a file may be a Databricks source notebook, by its name alone.
 */
export function maybeSourceNotebook(path: string): boolean {
  return SOURCE_EXTENSIONS.includes(extensionOf(path));
}

/**
 * The language of a Databricks source notebook, or null for any other text.
 */
export function detectSourceNotebook(
  text: string,
  path: string
): DatabricksLanguage | null {
  if (!maybeSourceNotebook(path)) {
    return null;
  }
  const first = text
    .replace(/^\ufeff/, '')
    .split('\n', 1)[0]
    .replace(/\r$/, '');
  const match = HEADER.exec(first);
  if (!match) {
    return null;
  }
  if (match[1] === '--') {
    return 'sql';
  }
  if (match[1] === '//') {
    return 'scala';
  }
  return extensionOf(path) === '.r' ? 'r' : 'python';
}
