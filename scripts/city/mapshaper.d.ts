// mapshaper ships no types; this declares the one entry point the city build uses.
declare module 'mapshaper' {
  interface MapshaperApi {
    /** Runs a command line on in-memory inputs (file name -> content) and resolves to the -o outputs by file name. */
    applyCommands(commands: string, input?: Record<string, unknown>): Promise<Record<string, string | Uint8Array>>;
  }
  const api: MapshaperApi;
  export default api;
}
