import { PageQuery } from '@gateway/common';

export class ListModelChainsQuery extends PageQuery {}
