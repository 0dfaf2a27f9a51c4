/**
 * Loaded before every test file (package.json's ava `require`): each part
 * that keeps its last saved state while nothing changed also makes it again
 * at every save in the tests, and a difference fails the test.
 */
import {checkKeptStates} from '../source/engine/state.js';

checkKeptStates();
