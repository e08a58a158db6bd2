export { hostSurface, type HostSurface, type HostSurfaceOptions } from './host-feature.js';
