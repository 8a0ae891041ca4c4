import { Setting } from './entities/setting.entity';

export const SETTINGS_ENTITIES = [Setting];
