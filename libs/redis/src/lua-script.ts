// A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL, which also caches it in Redis) only when
// Redis answers NOSCRIPT: a new or restarted Redis, a SCRIPT FLUSH, a failover to a replica that never
// saw it. That is what ioredis's defineCommand does, without defining a command on the client:
// ioredis copies every defined command onto each pipeline it builds, and with auto-pipelining it
// builds one per event-loop turn that sends anything. With the project's 17 scripts that copy cost
// about 10 µs per pipeline, two or three per relayed request (issue #16).
import { createHash } from 'node:crypto';
import { Command, type Cluster, type Redis } from 'ioredis';

type ScriptArg = string | number;

/**
 * What a script's command is built with: no arguments. ioredis's Command copies the arguments it is
 * given with `Array.prototype.flat()`, which V8 runs through its runtime element by element (about
 * 2 µs for 16 arguments, where a copy takes 15 ns; 3 % of the api's instructions a relayed stream,
 * issue #16), then turns each one that is not a string or Buffer into a string. A script's
 * arguments are strings and numbers, never nested arrays, so the command is made empty and given
 * its arguments after, as strings: what Redis receives is what `redis.evalsha(...)` sends (EVAL and
 * EVALSHA have no argument transformer in ioredis), with a UTF-8 reply as it asks.
 */
const NO_ARGS: never[] = [];
const UTF8_REPLY = { replyEncoding: 'utf8' } as const;

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

  private send(redis: Redis | Cluster, name: 'evalsha' | 'eval', script: string, args: ScriptArg[]) {
    const command = new Command(name, NO_ARGS, UTF8_REPLY);
    const written: string[] = [script];
    if (this.numberOfKeys !== undefined) written.push(String(this.numberOfKeys));
    for (const arg of args) written.push(typeof arg === 'string' ? arg : String(arg));
    command.args = written;
    return redis.sendCommand(command);
  }
}
