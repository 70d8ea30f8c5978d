import { LakehouseAPIError } from '../api';
import { apiError, json } from './helpers';
import { useCannedAPI } from './cannedApi';

const DBX = '/lakehouse/api/databricks';

describe('LakehouseAPI databricks', () => {
  const canned = useCannedAPI();

  it('imports with the path and overwrite flag', async () => {
    canned.server.routes[`POST ${DBX}/import`] = json(
      {
        source: 'course.dbc',
        destination: '',
        notebooks: [
          { path: 'Course/Intro.ipynb', language: 'python', cells: 4 }
        ],
        skipped: []
      },
      201
    );
    const result = await canned.api.importDatabricks({
      path: 'course.dbc',
      overwrite: true
    });
    expect(result.notebooks[0].path).toBe('Course/Intro.ipynb');
    expect(canned.server.callsTo(`${DBX}/import`)[0].body).toEqual({
      path: 'course.dbc',
      overwrite: true
    });
  });

  it('reports existing files as the exists error', async () => {
    canned.server.routes[`POST ${DBX}/export`] = apiError(
      409,
      'exists',
      '1 file(s) exist already: Course.dbc.',
      { existing: ['Course.dbc'] }
    );
    const failure = await canned.api
      .exportDatabricks({ path: 'Course', format: 'dbc' })
      .catch(e => e);
    expect(failure).toBeInstanceOf(LakehouseAPIError);
    expect(failure.code).toBe('exists');
    expect(failure.detail).toEqual({ existing: ['Course.dbc'] });
  });

  it('downloads the file with its query', async () => {
    canned.server.routes[`GET ${DBX}/export`] = {
      status: 200,
      body: '-- Databricks notebook source\nSELECT 1\n',
      contentType: 'text/plain'
    };
    const file = await canned.api.downloadDatabricks(
      'Labs/Lab 1.ipynb',
      'source'
    );
    expect(await file.blob.text()).toBe(
      '-- Databricks notebook source\nSELECT 1\n'
    );
    // Without a Content-Disposition the name falls back to the file's.
    expect(file.name).toBe('Lab 1.ipynb');
    const call = canned.server.callsTo(`${DBX}/export`, 'GET')[0];
    expect(call.url.searchParams.get('path')).toBe('Labs/Lab 1.ipynb');
    expect(call.url.searchParams.get('format')).toBe('source');
  });
});
