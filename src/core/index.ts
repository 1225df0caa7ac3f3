// The protocol core's public surface: everything shells (runtime, simulator, UI, CLI) may use.

export * from './ids';
export * from './fixed';
export * from './value';
export * from './params';
export * from './ledger';
export * from './frames';
export * from './codec';
export * from './protocol';
export * from './batch';
export * from './trace';
