import { PageQuery } from '@gateway/common/http';

export class ListModelChainsQuery extends PageQuery {}
