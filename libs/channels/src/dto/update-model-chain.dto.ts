import { PartialType } from '@nestjs/swagger';
import { CreateModelChainDto } from './create-model-chain.dto';

/** Any of the chain's fields; `models` replaces the whole order (the console's drag and drop). */
export class UpdateModelChainDto extends PartialType(CreateModelChainDto) {}
