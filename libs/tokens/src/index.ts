export { TOKENS_ENTITIES, TokensModule } from './tokens.module';
export { Token } from './entities/token.entity';
export type { TokenStatus } from './entities/token.entity';
