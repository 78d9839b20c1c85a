export * from './state.js';
export * from './evolve.js';
export { seatCommands, type LinkLoginBody } from './login.js';
