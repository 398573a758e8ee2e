export { HostManifest, HostedServiceSpec } from './manifest.js';
