export { UnroutedPage } from './UnroutedPage';
