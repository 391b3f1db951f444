import { describe } from 'vitest';
import { inProcessLimitStores } from './in-process-limits.js';
import { runLimitStoresContract } from './limits.contract.js';

describe('in-process limit stores', () => {
  runLimitStoresContract(async () => inProcessLimitStores());
});
