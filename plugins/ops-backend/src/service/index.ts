export { createRouter } from './router';
export type { RouterOptions } from './router';
export { registerOpsActions } from './actions';
export { addLearningRoutes } from './learningRoutes';
export { addAgentAndLoadRoutes } from './agentRoutes';
