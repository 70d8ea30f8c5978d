import {
  detectSourceNotebook,
  extensionOf,
  maybeSourceNotebook
} from '../models/databricksSource';

describe('databricksSource', () => {
  it('knows Databricks source notebooks by their first line', () => {
    expect(
      detectSourceNotebook('# Databricks notebook source\nx = 1', 'a/n.py')
    ).toBe('python');
    expect(detectSourceNotebook('# Databricks notebook source\n', 'n.R')).toBe(
      'r'
    );
    expect(
      detectSourceNotebook('-- Databricks notebook source\r\n', 'q.sql')
    ).toBe('sql');
    expect(
      detectSourceNotebook('// Databricks notebook source', 'x.scala')
    ).toBe('scala');
    expect(
      detectSourceNotebook('\ufeff# Databricks notebook source\n', 'n.py')
    ).toBe('python');
  });

  it('leaves every other file alone', () => {
    expect(detectSourceNotebook('import os\n', 'plain.py')).toBeNull();
    expect(
      detectSourceNotebook('# Databricks notebook source\n', 'notes.txt')
    ).toBeNull();
    expect(detectSourceNotebook('', 'empty.py')).toBeNull();
    expect(
      detectSourceNotebook('x\n# Databricks notebook source', 'late.py')
    ).toBeNull();
  });

  it('reads extensions case-insensitively', () => {
    expect(extensionOf('a.b/Stats.R')).toBe('.r');
    expect(extensionOf('.hidden')).toBe('');
    expect(maybeSourceNotebook('x/y.SQL')).toBe(true);
    expect(maybeSourceNotebook('x/y.ipynb')).toBe(false);
  });
});
