// Channel health probes through the real worker processes (the whole WorkerModule, twice, on one
// Redis prefix): the domain's schedules registered once, a key's repeatable probe created from a
// change announcement, each iteration probed once against the mock provider, and removed again.
import { getQueueToken } from '@nestjs/bullmq';
import {
  Channel,
  ChannelKey,
  ChannelKeyProbe,
  CHANNELS_TOPIC,
  channelKeyAad,
  KeyCipher,
  probeSchedulerId,
  PRUNE_JOB,
  SWEEP_JOB,
  SYNC_JOB,
} from '@gateway/channels';
import { MockUpstream, startMockUpstream } from '@gateway/mock-upstream';
import { ChangeFeed, QueueName } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import type { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startWorkerPair, type WorkerPair } from './worker-pair.fixtures';

describe('channel health probes in the worker', () => {
  let pair: WorkerPair;
  let dataSource: DataSource;
  let mock: MockUpstream;
  let workers: WorkerPair['workers'];
  let queue: Queue;

  beforeAll(async () => {
    mock = await startMockUpstream();
    pair = await startWorkerPair('worker-probes');
    ({ dataSource, workers } = pair);
    queue = workers[0].get<Queue>(getQueueToken(QueueName.Channels));
  });
  afterAll(async () => {
    await pair?.close();
    await mock?.close();
  });

  const schedulers = async () => (await queue.getJobSchedulers(0, -1)).filter((s) => s !== undefined);

  it('registers the sweep, prune and sync schedules once, however many workers start', async () => {
    const keys = (await schedulers()).map((s) => s.key);
    for (const name of [SWEEP_JOB, PRUNE_JOB, SYNC_JOB])
      expect(keys.filter((key) => key === name)).toEqual([name]);
  });

  it('schedules a new key on announcement, probes each iteration once, and unschedules it', async () => {
    const channel = await dataSource.getRepository(Channel).save({
      name: 'probed',
      type: 'openai',
      baseUrl: mock.baseUrl,
      models: ['mock-gpt'],
      modelMapping: {},
      groups: ['default'],
      status: 'enabled',
      timeoutMs: 5000,
      // Faster than the api allows (10 s), so the test is short.
      probeIntervalS: 1,
      settings: {},
      disabledReason: null,
    });
    const secret = 'sk-mock-real-worker';
    const id = randomUUID();
    const sealed = workers[0]!.get(KeyCipher).encrypt(secret, channelKeyAad(channel.id, id));
    await dataSource.getRepository(ChannelKey).insert({
      id,
      channelId: channel.id,
      keyCiphertext: sealed.ciphertext,
      keyVersion: sealed.version,
      keyHint: 'sk-rker',
      keyFingerprint: createHash('sha256').update(secret).digest('hex'),
    });
    // What the api does after saving a key.
    await workers[1]!.get(ChangeFeed).publish(CHANNELS_TOPIC, channel.id);

    await waitFor('the key scheduled', async () =>
      (await schedulers()).some((s) => s.key === probeSchedulerId(id)) ? true : undefined,
    );
    expect((await schedulers()).filter((s) => s.key === probeSchedulerId(id))).toHaveLength(1);
    const probes = dataSource.getRepository(ChannelKeyProbe);
    await waitFor(
      'three probes',
      async () => ((await probes.countBy({ keyId: id })) >= 3 ? true : undefined),
      15_000,
    );
    expect(await dataSource.getRepository(ChannelKey).findOneByOrFail({ id })).toMatchObject({
      health: 'healthy',
      status: 'enabled',
      consecutiveFailures: 0,
    });

    // An admin disables the key: unscheduled, and what was probed can be compared with what was sent.
    await dataSource.getRepository(ChannelKey).update({ id }, { status: 'disabled' });
    await workers[0]!.get(ChangeFeed).publish(CHANNELS_TOPIC, channel.id);
    await waitFor('the key unscheduled', async () =>
      (await schedulers()).some((s) => s.key === probeSchedulerId(id)) ? undefined : true,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // an iteration in flight lands
    await mock.settled();
    // Every upstream call was a stored probe of its own iteration: no two workers took the same one.
    const calls = mock.requests.filter((r) => r.apiKey === secret);
    expect(calls.every((c) => c.method === 'GET' && c.path === '/v1/models')).toBe(true);
    const rows = await probes.findBy({ keyId: id });
    expect(calls).toHaveLength(rows.length);
    expect(new Set(rows.map((r) => r.jobId)).size).toBe(rows.length);

    // A deleted channel leaves no schedule behind either.
    await dataSource.getRepository(ChannelKey).update({ id }, { status: 'enabled' });
    await workers[1]!.get(ChangeFeed).publish(CHANNELS_TOPIC, channel.id);
    await waitFor('the key scheduled again', async () =>
      (await schedulers()).some((s) => s.key === probeSchedulerId(id)) ? true : undefined,
    );
    await dataSource.getRepository(Channel).delete({ id: channel.id });
    await workers[0]!.get(ChangeFeed).publish(CHANNELS_TOPIC, channel.id);
    await waitFor('the deleted channel unscheduled', async () =>
      (await schedulers()).some((s) => s.key === probeSchedulerId(id)) ? undefined : true,
    );
  });
});
