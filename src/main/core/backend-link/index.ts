export { BackendLink, type BackendLinkOptions } from './backend-link.js';
export { feedFeature } from './feed-feature.js';
