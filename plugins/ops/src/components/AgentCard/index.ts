export { OpsAgentCard, isOpsAgent } from './AgentCard';
