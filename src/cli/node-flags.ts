// The Node.js flags a process that runs headless nodes is started with: V8's young generation held
// at 16 MB (two 8 MB semi-spaces). Left alone, V8 doubles it to 32 MB under a node's allocation
// rate and the process's RSS grows by ~20-27 MB early in a long run (BENCHMARKS.md, "Memory");
// bounded, RSS stays flat at the same throughput.

export const NODE_PROCESS_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
