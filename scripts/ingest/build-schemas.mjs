// `npm run build:schemas`: writes docs/ingest/ from the ingestion contract (build-schemas.ts) through tsx's loader.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./build-schemas.ts', import.meta.url);
main();
