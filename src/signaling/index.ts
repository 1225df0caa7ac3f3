// The signaling contract, shared by the server and every client: message types, names, limits and validation.

export * from './ids';
export * from './messages';
export * from './validate';
export * from './proof';
export { SCHEMAS, SCHEMA_IDS } from './schemas';
export { describeSchemaError, type SchemaError } from './json-schema';
