export * from './codes.js';
export * from './component-chunk.js';
export * from './component-classes.js';
export * from './grid-cells.js';
export * from './random.js';
export * from './schemas.js';
export * from './component-lookup.js';
export * from './grid-lookup.js';
