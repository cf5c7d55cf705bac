/**
 * Setup of the `testing` lane: every tensor the suites create lands on the asynchronous test
 * device (`installLane` says how test files, and only they, still peek synchronously).
 */
import { discardChecks, peekSync, testing } from '../src/index.js';
import { LANE_SKIPS, installLane } from './lane.js';

installLane({ backend: testing, peek: peekSync, skips: LANE_SKIPS, afterEach: discardChecks });
