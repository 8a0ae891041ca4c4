// GET /v1/models (and /v1/models/:model): what this token may ask for, in OpenAI's list shape.
import { Injectable } from '@nestjs/common';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { RelayCallers } from '../../relay/relay-caller';
import { RoutingTableService } from '../../table/routing-table.service';
import type { ListModelsCommand } from './list-models.command';

export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: ModelEntry[];
}

const entry = (id: string): ModelEntry => ({ id, object: 'model', created: 0, owned_by: 'gateway' });

@Injectable()
export class ListModels {
  constructor(
    private readonly callers: RelayCallers,
    private readonly tables: RoutingTableService,
  ) {}

  async execute(command: ListModelsCommand): Promise<ModelList | ModelEntry> {
    const token = await this.callers.authenticate(command);
    const facts = await this.callers.tenantOf(token);
    const table = await this.tables.current();
    const allowed = (model: string) => token.models.size === 0 || token.models.has(model);
    const models = table.modelsFor(facts.group).filter(allowed);
    // A chain (and `auto`) is listed when the token may ask for it and use one of its models that the
    // group is served.
    const served = new Set(models);
    for (const chain of table.chainsFor(facts.group)) {
      if (served.has(chain.name) || !allowed(chain.name)) continue;
      if (chain.models.some((model) => served.has(model))) models.push(chain.name);
    }
    models.sort();
    if (command.model === undefined) return { object: 'list', data: models.map(entry) };
    if (models.includes(command.model)) return entry(command.model);
    throw new RelayError(
      RelayErrorCode.ModelNotFound,
      `the model ${command.model} does not exist or is not available to this key`,
    );
  }
}
