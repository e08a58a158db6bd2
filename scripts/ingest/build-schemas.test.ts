import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR, schemaFiles } from './build-schemas.js';

describe('the ingestion JSON Schemas in docs/ingest/', () => {
  it('are what npm run build:schemas writes from the contract (run it after changing src/shared/ingest)', () => {
    const files = schemaFiles();
    expect(readdirSync(SCHEMAS_DIR).filter((name) => name.endsWith('.json')).sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files) {
      expect(existsSync(join(SCHEMAS_DIR, name)), name).toBe(true);
      expect(readFileSync(join(SCHEMAS_DIR, name), 'utf8'), `${name} differs: run npm run build:schemas`).toBe(text);
    }
  });

  it('map every topic to its schema, which describes the message a device sends', () => {
    const index = JSON.parse(schemaFiles().get('index.json') ?? '{}') as { topics: Record<string, { schema: string }> };
    expect(index.topics['zhili/v1/vehicles/+/position']?.schema).toBe('vehicle-position.schema.json');
    const vehicle = JSON.parse(schemaFiles().get('vehicle-position.schema.json') ?? '{}') as { required: string[]; additionalProperties: boolean };
    // `crs` has a default, so a device may leave it out.
    expect(vehicle.required.sort()).toEqual(['at', 'position']);
    expect(vehicle.additionalProperties).toBe(false);
  });
});
