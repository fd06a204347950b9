import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Tables and pages render in well under a second on a quiet machine, but a
// busy CI runner can take longer than the default of one second.
configure({ asyncUtilTimeout: 5000 });
