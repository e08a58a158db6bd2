// `npm run build:data`: runs the TypeScript city build (build-city.ts) through tsx's loader with the same arguments.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./build-city.ts', import.meta.url);
await main(process.argv.slice(2));
