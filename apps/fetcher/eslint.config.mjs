import { appConfig } from '../../tools/eslint-base.mjs';

export default appConfig;
