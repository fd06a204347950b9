export { LoadCard, DrowningFlag } from './LoadCard';
export { DrowningCallout } from './DrowningCallout';
