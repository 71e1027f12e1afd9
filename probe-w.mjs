import { register } from 'tsx/esm/api';
register();
await import('./probe-w2.ts');
