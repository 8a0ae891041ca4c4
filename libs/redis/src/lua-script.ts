// A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL, which also caches it in Redis) only when
// Redis answers NOSCRIPT: a new or restarted Redis, a SCRIPT FLUSH, a failover to a replica that never
// saw it. That is what ioredis's defineCommand does, without defining a command on the client:
// ioredis copies every defined command onto each pipeline it builds, and with auto-pipelining it
// builds one per event-loop turn that sends anything. With the project's 17 scripts that copy cost
// about 10 µs per pipeline, two or three per relayed request (issue #16).
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

type ScriptArg = string | number;

export class LuaScript<Reply = unknown> {
  readonly sha: string;

  /**
   * @param numberOfKeys how many of a call's first arguments are KEYS; omitted, a call gives the
   *   count itself as its first argument (a script whose KEYS vary in number), as with defineCommand.
   */
  constructor(
    readonly lua: string,
    private readonly numberOfKeys?: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Runs the script with its KEYS, then its ARGV (the count of KEYS first without numberOfKeys). */
  async run(redis: Redis | Cluster, ...args: ScriptArg[]): Promise<Reply> {
    try {
      return (await this.send(redis, 'evalsha', this.sha, args)) as Reply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.send(redis, 'eval', this.lua, args)) as Reply;
    }
  }

  private send(redis: Redis | Cluster, command: 'evalsha' | 'eval', script: string, args: ScriptArg[]) {
    return this.numberOfKeys === undefined
      ? redis[command](script, ...(args as [ScriptArg, ...ScriptArg[]]))
      : redis[command](script, this.numberOfKeys, ...args);
  }
}
