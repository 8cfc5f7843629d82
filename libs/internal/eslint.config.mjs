import baseConfig from '../../tools/eslint-base.mjs';

export default [...baseConfig];
