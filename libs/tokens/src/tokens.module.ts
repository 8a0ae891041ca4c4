import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Token } from './entities/token.entity';

export const TOKENS_ENTITIES = [Token];

@Module({
  imports: [TypeOrmModule.forFeature(TOKENS_ENTITIES)],
})
export class TokensModule {}
