import { vitestProject } from '../../tools/vitest-project.mjs';

export default vitestProject(import.meta.dirname);
