import { afterEach, expect, it } from 'vitest';
import { ValueError, getValidation, setValidation } from '../src/index.js';

afterEach(() => setValidation(null));

it('setValidation takes the three modes or null, and refuses anything else', () => {
  setValidation('off');
  expect(getValidation()).toBe('off');
  expect(() => setValidation('later' as never)).toThrow(ValueError);
  expect(getValidation()).toBe('off');
});
