import { PartialType } from '@nestjs/swagger';
import { CreateChannelDto } from './create-channel.dto';

/**
 * Every field optional; a required field sent as null is refused rather than ignored. A modelMapping
 * sent without models is checked against the stored models.
 */
export class UpdateChannelDto extends PartialType(CreateChannelDto, { skipNullProperties: false }) {}
