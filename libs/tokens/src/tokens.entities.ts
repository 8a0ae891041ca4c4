import { Token } from './entities/token.entity';

export const TOKENS_ENTITIES = [Token];
