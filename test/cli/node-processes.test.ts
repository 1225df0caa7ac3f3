// How `chatterbox cluster` lays out its nodes: how many share a process, which ports each binds, and
// the command line each `--node` carries.

import { describe, expect, it } from 'vitest';
import { clusterIcePorts, defaultClusterWaitSeconds, defaultNodesPerProcess, MAX_CONNECTIONS_PER_PROCESS, spreadEvenly } from '../../src/cli/node-processes';
import { joinWords, splitWords } from '../../src/cli/words';

describe('cluster layout', () => {
  it('spreads nodes over processes evenly, never more than K to one', () => {
    const sizes = (count: number, size: number) => spreadEvenly([...Array(count).keys()], size).map((group) => group.length);
    expect(sizes(5, 2)).toEqual([2, 2, 1]);
    expect(sizes(10, 4)).toEqual([4, 3, 3]);
    expect(sizes(64, 8)).toEqual(Array(8).fill(8));
    expect(spreadEvenly([...Array(7).keys()], 3).flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('waits the longer of the protocol default (1 s) and N² / 512 s: a round moves 2N(N − 1) frames on the same cores', () => {
    expect([2, 16, 17, 22, 23, 32, 64].map(defaultClusterWaitSeconds)).toEqual([1, 1, 1, 1, 529 / 512, 2, 8]);
  });

  it('puts one process on each core by default, with at most 512 connections in a process', () => {
    expect(defaultNodesPerProcess(16, 2)).toBe(8);
    expect(defaultNodesPerProcess(32, 2)).toBe(16);
    expect(defaultNodesPerProcess(64, 2)).toBe(8); // 16 would hold 1,008 connections
    expect(defaultNodesPerProcess(3, 2)).toBe(2);
    expect(defaultNodesPerProcess(1, 2)).toBe(1);
    expect(defaultNodesPerProcess(32, 8)).toBe(4);
    for (const nodes of [2, 17, 40, 64]) expect(defaultNodesPerProcess(nodes, 1) * (nodes - 1)).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_PROCESS);
  });

  it('gives every node its own ports, two attempts per peer, below the ephemeral range', () => {
    for (const count of [1, 3, 64]) {
      const ranges = clusterIcePorts(count).map((text) => text.split('-').map(Number));
      const ports = ranges.flatMap(([min, max]) => Array.from({ length: max - min + 1 }, (_, i) => min + i));
      expect(new Set(ports).size).toBe(ports.length);
      expect(Math.min(...ports)).toBeGreaterThanOrEqual(10_000);
      expect(Math.max(...ports)).toBeLessThanOrEqual(32_767);
      for (const [min, max] of ranges) expect(max - min + 1).toBe(Math.max(2, count - 1) * 4);
    }
  });

  it('joins a node\'s flags into one --node word that splits back into the same flags', () => {
    const flags = ['--trace', '/tmp/my traces/n1.jsonl', '--room', 'r', '--room-secret', "it's", '--id', 'n1', '--x', ''];
    expect(splitWords(joinWords(flags), '--node')).toEqual(flags);
    expect(() => joinWords(['a\'b"c'])).toThrow('both kinds of quote');
  });
});
