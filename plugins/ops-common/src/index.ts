/**
 * Types, catalog annotations and pure functions shared by the browser and the
 * server parts of the Operable suite.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './validation';
export * from './ownership';
export * from './incidents';
export * from './signals';
export * from './health';
export * from './permissions';
export * from './api';
export * from './runbooks';
export * from './agent';
export * from './learning';
