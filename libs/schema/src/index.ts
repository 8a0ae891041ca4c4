export { ENTITIES } from './entities';
