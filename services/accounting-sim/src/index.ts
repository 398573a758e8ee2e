export { registerAccounting, type Bill } from './accounting.js';
