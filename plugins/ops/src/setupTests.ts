import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Tables and pages render in well under a second on a quiet machine, but a
// busy CI runner can take longer than the default of one second.
configure({ asyncUtilTimeout: 5000 });

// A test that types into a dialog and waits for a refetch awaits several
// such steps; on a busy runner the sum exceeds Jest's default of 5 seconds,
// which would cut short even a single wait at the limit above.
jest.setTimeout(20000);
